import path from 'node:path';
import type { RunSpec } from '../../../common/training/runSpec';
import { hyperparametersSchema } from '../../../common/training/hyperparameters';
import type { ModelGraph } from '../../../common/graph/schema';
import type { Tfjs } from '../../../main/engine/backend';
import { compileGraph } from '../../../main/engine/compile';
import { fileSaveHandler } from '../../../main/engine/train/checkpointIo';
import { appendEpochRecord, createRunDir, writeCheckpoint } from '../../../main/project/runRepository';
import { writeDatasetCache, type SyntheticDataset } from '../../unit/main/engine/train/datasetFixture';
import { randomizeWeights } from './formatFixtures';

/**
 * A finished run in `<dataDir>/runs` without training: the dataset cache in
 * `<dataDir>/datasets/<datasetFolder>`, run.json, one epoch of metrics and a best
 * checkpoint of seeded random weights.
 */
export async function writeFinishedRun(tf: Tfjs, dataDir: string, options: { runId: string; dataset: SyntheticDataset; datasetFolder: string; graph: ModelGraph; weightSeed: number }): Promise<string> {
  const { dataset, graph } = options;
  const cacheDir = await writeDatasetCache(path.join(dataDir, 'datasets', options.datasetFolder), dataset);
  const now = new Date().toISOString();
  const spec: RunSpec = {
    schemaVersion: 1, id: options.runId, name: `${graph.name} on ${dataset.info.name}`, createdAt: now, graph,
    dataset: { id: dataset.info.id, name: dataset.info.name, cacheDir, fingerprint: dataset.info.fingerprint, classes: dataset.info.classes, imageShape: dataset.info.imageShape },
    hyperparameters: hyperparametersSchema.parse({ epochs: 1 }), backendPreference: null, backend: null, status: 'completed', epochsCompleted: 1,
    best: { epoch: 1, monitor: 'val_loss', value: 0.5 }, last: { epoch: 1, monitor: 'val_loss', value: 0.5 }, endReason: 'completed', updatedAt: now,
  };
  const runDir = await createRunDir(path.join(dataDir, 'runs'), spec);
  await appendEpochRecord(runDir, { epoch: 1, logs: { loss: 0.9, accuracy: 0.6, val_loss: 0.5, val_accuracy: 0.7 }, learningRate: 0.001, seconds: 1, imagesPerSecond: 100, time: now });
  const model = compileGraph(graph, tf, { seed: 1 });
  randomizeWeights(model, tf, options.weightSeed);
  await writeCheckpoint(runDir, 'best', 1, async (dir) => {
    await model.save(fileSaveHandler(dir, tf));
  });
  model.dispose();
  return runDir;
}
