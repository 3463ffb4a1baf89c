import type { DatasetProgressEvent } from '../../common/api/methods/datasets';

/** Counts work done in one phase and reports it, at most every `intervalMs`, with rate and ETA. */
export interface ProgressCounter {
  /** Adds `count` units done. */
  add(count: number): void;
  /** Reports the final count now. */
  finish(): void;
}

/**
 * Creates a counter for one phase of an import or download. Reports are throttled so a
 * fast import does not flood the transports, and the first and last are always sent.
 */
export function createProgressCounter(
  importId: string,
  phase: DatasetProgressEvent['phase'],
  total: number,
  report: ((event: DatasetProgressEvent) => void) | undefined,
  intervalMs = 100,
): ProgressCounter {
  const started = performance.now();
  let done = 0;
  let lastReport = -Infinity;
  const send = (): void => {
    if (!report) return;
    const now = performance.now();
    lastReport = now;
    const seconds = (now - started) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    const etaSeconds = rate > 0 && total > 0 ? Math.max(0, (total - done) / rate) : null;
    report({ type: 'dataset.progress', importId, phase, done, total, rate, etaSeconds });
  };
  send();
  return {
    add(count) {
      done += count;
      if (performance.now() - lastReport >= intervalMs) send();
    },
    finish() {
      send();
    },
  };
}
