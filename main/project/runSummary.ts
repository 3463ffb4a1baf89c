import type { RunSummary } from '../../common/api/methods/runs';
import type { EpochRecord } from '../../common/training/epochRecord';
import type { RunSpec } from '../../common/training/runSpec';

/**
 * The list row of a run: its identity and status, the hyperparameters that tell runs
 * apart at a glance (optimizer, learning rate, batch size, schedule, initial weights) and
 * the logs of its last epoch. `spec` is a parsed run.json, so fields an older run.json
 * lacks already hold their Keras defaults.
 */
export function summarizeRun(spec: RunSpec, history: readonly EpochRecord[]): RunSummary {
  const hyperparameters = spec.hyperparameters;
  return {
    id: spec.id, name: spec.name, createdAt: spec.createdAt, status: spec.status, epochsCompleted: spec.epochsCompleted,
    best: spec.best, endReason: spec.endReason, epochs: hyperparameters.epochs, optimizer: hyperparameters.optimizer.name,
    datasetName: spec.dataset.name, finalLogs: history.at(-1)?.logs ?? null,
    learningRate: hyperparameters.optimizer.learningRate, batchSize: hyperparameters.batchSize, lrSchedule: hyperparameters.lrSchedule.type,
    ...(hyperparameters.initialWeights === undefined ? {} : { initialWeights: hyperparameters.initialWeights }),
  };
}
