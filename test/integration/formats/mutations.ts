import type { SeededRandom } from '../../../main/data/random';

/**
 * Seeded mutations of model files for the import fuzzers: byte-level damage (flipped
 * bytes, overwritten spans, truncation, duplicated chunks) and, for JSON, structural
 * damage (a value replaced by one of another type, a key removed). The same seed gives
 * the same files, so a failure names a case that can be replayed.
 */

/** Values a JSON field may be replaced with: every JSON type, and numbers that break sizes. */
const REPLACEMENTS: readonly unknown[] = [null, true, 0, -1, 1.5, 1e9, 2 ** 53, '', 'x', '../../../etc/hostname', [], [null], {}, { a: 1 }, [-1, 3], [1e6, 1e6]];

/** A copy of `bytes` with damage chosen by `random`; `hotBytes` biases the damage toward the start (headers, metadata). */
export function mutateBytes(bytes: Uint8Array, random: SeededRandom, hotBytes = bytes.length): Uint8Array {
  const out = Uint8Array.from(bytes);
  const at = (limit = hotBytes): number => random.int(Math.max(1, Math.min(limit, out.length)));
  switch (random.int(5)) {
    case 0: {
      for (let i = 1 + random.int(4); i > 0; i--) {
        const index = at();
        out[index] = (out[index] ?? 0) ^ (1 << random.int(8));
      }
      return out;
    }
    case 1: {
      const start = at();
      const length = 1 + random.int(64);
      for (let i = start; i < Math.min(out.length, start + length); i++) out[i] = random.int(256);
      return out;
    }
    case 2:
      return out.subarray(0, at(out.length));
    case 3: {
      const start = at();
      const chunk = out.subarray(start, start + 1 + random.int(256));
      const target = at();
      const result = new Uint8Array(out.length + chunk.length);
      result.set(out.subarray(0, target));
      result.set(chunk, target);
      result.set(out.subarray(target), target + chunk.length);
      return result;
    }
    default: {
      const start = at();
      out.fill(random.int(2) === 0 ? 0 : 0xff, start, start + 1 + random.int(512));
      return out;
    }
  }
}

/** Every path to a value inside `value` (object keys and array indices). */
function valuePaths(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (Array.isArray(value)) value.forEach((item, index) => { out.push([...prefix, index]); valuePaths(item, [...prefix, index], out); });
  else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      out.push([...prefix, key]);
      valuePaths(item, [...prefix, key], out);
    }
  }
  return out;
}

/** A deep copy of `json` with one value replaced by another type (or removed), chosen by `random`. */
export function mutateJson(json: unknown, random: SeededRandom): unknown {
  const copy = JSON.parse(JSON.stringify(json)) as unknown;
  const paths = valuePaths(copy);
  const target = paths[random.int(paths.length)];
  if (target === undefined) return REPLACEMENTS[random.int(REPLACEMENTS.length)];
  let parent = copy as Record<string | number, unknown>;
  for (const key of target.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = target[target.length - 1] as string | number;
  if (random.int(4) === 0 && !Array.isArray(parent)) delete parent[last];
  else parent[last] = structuredClone(REPLACEMENTS[random.int(REPLACEMENTS.length)]);
  return copy;
}
