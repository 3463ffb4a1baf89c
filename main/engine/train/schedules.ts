import type { LrScheduleConfig } from '../../../common/training/schedules';
import { MonitorTracker, type MonitorState } from './monitor';

/** State a schedule carries across a resume (only reduce-on-plateau has any). */
export interface ScheduleState {
  /** The current rate of reduce-on-plateau. */
  plateauRate: number | null;
  cooldown: number;
  monitor: MonitorState | null;
}

/**
 * Learning rate per training step. Step-based schedules (exponential, cosine) follow
 * Keras' `LearningRateSchedule`s; step decay and reduce-on-plateau change the rate
 * between epochs.
 */
export class LearningRateSchedule {
  private plateauRate: number | null = null;
  private cooldown = 0;
  private readonly plateau: MonitorTracker | null;

  constructor(
    private readonly config: LrScheduleConfig,
    private readonly baseRate: number,
    /** Steps of the whole run, for cosine decay without explicit `decaySteps`. */
    private readonly totalSteps: number,
  ) {
    this.plateau = config.type === 'reduce_on_plateau' ? new MonitorTracker(config.monitor, config.mode, config.minDelta) : null;
  }

  /** Rate for global step `step` (0-based) inside epoch `epoch` (1-based). */
  rateAt(step: number, epoch: number): number {
    const c = this.config;
    switch (c.type) {
      case 'constant':
        return this.baseRate;
      case 'step':
        return this.baseRate * c.gamma ** Math.floor((epoch - 1) / c.stepSize);
      case 'exponential': {
        const p = step / c.decaySteps;
        return this.baseRate * c.decayRate ** (c.staircase ? Math.floor(p) : p);
      }
      case 'cosine': {
        if (step < c.warmupSteps) return (this.baseRate * (step + 1)) / c.warmupSteps;
        const decaySteps = c.decaySteps ?? Math.max(1, this.totalSteps - c.warmupSteps);
        const progress = Math.min(step - c.warmupSteps, decaySteps) / decaySteps;
        const cosine = 0.5 * (1 + Math.cos(Math.PI * progress));
        return this.baseRate * ((1 - c.alpha) * cosine + c.alpha);
      }
      case 'reduce_on_plateau':
        return this.plateauRate ?? this.baseRate;
    }
  }

  /**
   * Keras ReduceLROnPlateau.on_epoch_end: after `patience` epochs without improvement
   * multiply the rate by `factor` (not below `minLr`), then wait `cooldown` epochs.
   * Returns a message when it reduced the rate.
   */
  onEpochEnd(epoch: number, logs: Record<string, number>): string | null {
    const c = this.config;
    if (c.type !== 'reduce_on_plateau' || !this.plateau) return null;
    const current = this.plateauRate ?? this.baseRate;
    if (this.cooldown > 0) {
      this.cooldown--;
      this.plateau.wait = 0;
    }
    this.plateau.update(epoch, logs);
    if (this.cooldown === 0 && this.plateau.wait >= c.patience && current > c.minLr) {
      const next = Math.max(current * c.factor, c.minLr);
      this.plateauRate = next;
      this.cooldown = c.cooldown;
      this.plateau.wait = 0;
      return `ReduceLROnPlateau: ${c.monitor} did not improve for ${c.patience} epochs; learning rate ${current.toPrecision(3)} -> ${next.toPrecision(3)}.`;
    }
    return null;
  }

  state(): ScheduleState {
    return { plateauRate: this.plateauRate, cooldown: this.cooldown, monitor: this.plateau?.state() ?? null };
  }

  restore(state: ScheduleState): void {
    this.plateauRate = state.plateauRate;
    this.cooldown = state.cooldown;
    if (state.monitor && this.plateau) this.plateau.restore(state.monitor);
  }
}
