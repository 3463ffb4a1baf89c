/**
 * Seeded pseudo-random numbers (mulberry32). Splits, shuffles and augmentation draw from
 * this so that the same seed gives the same result on every machine and backend.
 */
export interface SeededRandom {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [low, high). */
  uniform(low: number, high: number): number;
  /** Integer uniform in [0, n). */
  int(n: number): number;
}

/** Creates a generator from any finite number (fractions and negatives are hashed in). */
export function createRandom(seed: number): SeededRandom {
  let state = hashSeed(seed);
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    uniform: (low, high) => low + (high - low) * next(),
    int: (n) => Math.floor(next() * n),
  };
}

/** Fisher-Yates shuffle in place with the given generator; returns `items`. */
export function shuffleInPlace<T extends { length: number; [index: number]: number }>(items: T, random: SeededRandom): T {
  for (let i = items.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    const swap = items[i] as number;
    items[i] = items[j] as number;
    items[j] = swap;
  }
  return items;
}

function hashSeed(seed: number): number {
  // Mixes the float's bits so seeds 1 and 1.5 (or -1) give unrelated streams.
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Number.isFinite(seed) ? seed : 0);
  let h = 0x811c9dc5;
  for (let i = 0; i < 8; i++) h = Math.imul(h ^ view.getUint8(i), 0x01000193);
  return h | 0;
}
