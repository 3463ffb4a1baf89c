import type { MonitorMode } from '../../../common/training/callbacks';

/**
 * Tracks the best value of one monitored log key, as Keras callbacks do: `auto` means
 * `max` for accuracy-like keys and `min` otherwise; an improvement must beat the best by
 * more than `minDelta`.
 */
export class MonitorTracker {
  readonly mode: 'min' | 'max';
  best: number | null = null;
  bestEpoch = 0;
  /** Epochs since the last improvement. */
  wait = 0;

  constructor(readonly monitor: string, mode: MonitorMode, readonly minDelta = 0) {
    this.mode = mode === 'auto' ? (/acc|auc|precision|recall|f1/.test(monitor) ? 'max' : 'min') : mode;
  }

  /**
   * The value to watch from an epoch's logs. When `val_*` is missing (no validation data)
   * Keras warns and skips; here it falls back to the training key so callbacks still act.
   */
  valueFrom(logs: Record<string, number>): number | null {
    const direct = logs[this.monitor];
    if (direct !== undefined) return direct;
    const fallback = this.monitor.startsWith('val_') ? logs[this.monitor.slice(4)] : undefined;
    return fallback ?? null;
  }

  /** Records an epoch; returns true when it improved on the best. */
  update(epoch: number, logs: Record<string, number>): boolean {
    const value = this.valueFrom(logs);
    if (value === null || !Number.isFinite(value)) {
      this.wait++;
      return false;
    }
    const improved = this.best === null || (this.mode === 'min' ? value < this.best - this.minDelta : value > this.best + this.minDelta);
    if (improved) {
      this.best = value;
      this.bestEpoch = epoch;
      this.wait = 0;
    } else {
      this.wait++;
    }
    return improved;
  }

  /** Plain state for a checkpoint. */
  state(): MonitorState {
    return { best: this.best, bestEpoch: this.bestEpoch, wait: this.wait };
  }

  restore(state: MonitorState): void {
    this.best = state.best;
    this.bestEpoch = state.bestEpoch;
    this.wait = state.wait;
  }
}

/** What a tracker keeps between processes when a run resumes. */
export interface MonitorState {
  best: number | null;
  bestEpoch: number;
  wait: number;
}
