import type * as tfjs from '@tensorflow/tfjs';
import type { FineTune } from '../../../common/training/fineTune';
import type { Hyperparameters } from '../../../common/training/hyperparameters';
import type { ModelGraph } from '../../../common/graph/schema';
import { fineTuneLayers } from '../../../common/templates/fineTuneBlocks';
import type { Tfjs as TfModule } from '../backend';
import { BatchNormalization } from '../layers/BatchNormalization';
import { createOptimizer } from './optimizers';
import { LearningRateSchedule } from './schedules';

/**
 * The phases of a run: one, or Keras's two-phase fine-tuning (see `fineTuneSchema`):
 * phase 1 trains with the base as frozen as the graph says; phase 2 unfreezes the layers
 * from `fromLayer` on, keeps the BatchNormalization layers that were frozen in inference
 * mode, and continues with a fresh optimizer at the fine-tuning learning rate. The trainer
 * asks this plan when phase 2 starts and for what it needs there.
 */

/** Phase 2 of a run, resolved against its graph. */
export interface FineTunePlan {
  fineTune: FineTune;
  /** The layers phase 2 unfreezes, in Keras order. */
  layers: string[];
  /** BatchNormalization layers frozen in phase 1: they stay in inference mode in phase 2. */
  frozenBatchNorms: string[];
}

/**
 * The fine-tuning plan of a run's graph, or null for a one-phase run.
 *
 * @throws LabError `TRAIN_BAD_CONFIG` naming `fineTune.fromLayer` when it is not a layer
 *   of the graph or nothing frozen follows it.
 */
export function fineTunePlanOf(graph: ModelGraph, hyperparameters: Hyperparameters): FineTunePlan | null {
  const fineTune = hyperparameters.fineTune;
  if (fineTune === null) return null;
  const layers = fineTuneLayers(graph, fineTune.fromLayer);
  const frozenBatchNorms = graph.nodes.filter((node) => node.type === 'BatchNormalization' && !node.trainable).map((node) => node.name);
  return { fineTune, layers, frozenBatchNorms };
}

/** What the phases save with a checkpoint, so a resumed run is in the same phase. */
export interface PhasesState {
  /** First epoch of phase 2 when phase 1 ended early; null when it runs its full length. */
  fineTuneFrom: number | null;
}

/** Where a run is among its phases. */
export class TrainingPhases {
  private fineTuneFrom: number | null = null;

  /**
   * @param epochs phase 1's epochs (`hyperparameters.epochs`)
   * @param plan phase 2, or null for a one-phase run
   */
  constructor(private readonly epochs: number, private readonly plan: FineTunePlan | null) {}

  /** The first epoch of phase 2. */
  private get firstFineTuneEpoch(): number {
    return this.fineTuneFrom ?? this.epochs + 1;
  }

  /** The run's last epoch, both phases counted. */
  get lastEpoch(): number {
    return this.plan === null ? this.epochs : this.firstFineTuneEpoch + this.plan.fineTune.epochs - 1;
  }

  /** The phase of `epoch`, recorded in metrics.jsonl; undefined for a one-phase run. */
  phaseOf(epoch: number): 1 | 2 | undefined {
    if (this.plan === null) return undefined;
    return epoch >= this.firstFineTuneEpoch ? 2 : 1;
  }

  /** True for the first epoch of phase 2, before which the trainer calls `unfreeze`. */
  startsFineTuning(epoch: number): boolean {
    return this.plan !== null && epoch === this.firstFineTuneEpoch;
  }

  /**
   * Phase 1 stopped early at `epoch` (Keras's EarlyStopping ends its `fit`): phase 2 starts
   * at the next epoch. Returns false when there is no phase 2 to go on to.
   */
  endPhase1Early(epoch: number): boolean {
    if (this.phaseOf(epoch) !== 1) return false;
    this.fineTuneFrom = epoch + 1;
    return true;
  }

  state(): PhasesState {
    return { fineTuneFrom: this.fineTuneFrom };
  }

  restore(state: PhasesState | undefined): void {
    this.fineTuneFrom = state?.fineTuneFrom ?? null;
  }

  /**
   * Unfreezes phase 2's layers of `model`; the BatchNormalization layers frozen in phase 1
   * keep running in inference mode (their gamma and beta train, their moving statistics
   * stay). Returns the log line that says what changed.
   */
  unfreeze(model: tfjs.LayersModel): string {
    const plan = this.plan;
    if (plan === null) return '';
    const unfreezing = new Set(plan.layers);
    const inference = new Set(plan.frozenBatchNorms);
    let unfrozen = 0;
    for (const layer of model.layers) {
      if (layer instanceof BatchNormalization && inference.has(layer.name)) layer.inferenceOnly = true;
      if (!unfreezing.has(layer.name) || layer.trainable) continue;
      layer.trainable = true;
      unfrozen++;
    }
    const inferenceCount = plan.layers.filter((name) => inference.has(name)).length;
    return `Fine-tuning from epoch ${this.firstFineTuneEpoch}: unfroze ${unfrozen} layers from ${plan.fineTune.fromLayer} on; learning rate ${plan.fineTune.learningRate} with a fresh optimizer${inferenceCount > 0 ? `; ${inferenceCount} BatchNormalization layers stay in inference mode` : ''}.`;
  }

  /** Phase 2's optimizer: the run's kind and settings at the fine-tuning learning rate, with fresh state. */
  fineTuneOptimizer(tf: TfModule, hyperparameters: Hyperparameters): tfjs.Optimizer {
    const learningRate = this.plan?.fineTune.learningRate ?? hyperparameters.optimizer.learningRate;
    return createOptimizer(tf, { ...hyperparameters.optimizer, learningRate });
  }

  /** Phase 2's learning rate, constant as in Keras's guide (a recompile with `Adam(1e-5)`). */
  fineTuneSchedule(stepsPerEpoch: number): LearningRateSchedule {
    const fineTune = this.plan?.fineTune;
    return new LearningRateSchedule({ type: 'constant' }, fineTune?.learningRate ?? 0, stepsPerEpoch * (fineTune?.epochs ?? 0));
  }
}
