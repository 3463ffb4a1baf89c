import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs';
import { hyperparametersSchema, type HyperparametersInput } from '../../../common/training/hyperparameters';
import type { RunSpec } from '../../../common/training/runSpec';
import type { BackendReport } from '../../../common/training/backend';
import type { ModelGraph } from '../../../common/graph/schema';
import { initBackend, type Tfjs } from '../../../main/engine/backend';
import { compileGraph } from '../../../main/engine/compile';
import { Trainer, type TrainerEvent, type TrainerOptions } from '../../../main/engine/train/trainer';
import { WEBGPU_ADAPTER_ENV } from '../../../main/engine/webgpuSupport';
import { createRunDir } from '../../../main/project/runRepository';
import { memoryDatasetCache, type SyntheticDataset } from '../../unit/main/engine/train/datasetFixture';

/**
 * The adapter the WebGPU tests run on: Mesa's lavapipe (llvmpipe), picked by name, so the
 * tests never need a GPU and behave the same on a machine that has one.
 */
export const SOFTWARE_ADAPTER = 'llvmpipe';

/**
 * Starts the webgpu backend on the software adapter.
 * @throws when lavapipe is missing: install bookworm-backports mesa-vulkan-drivers (.ci/run does).
 */
export async function startSoftwareWebGpu(): Promise<{ tf: Tfjs; report: BackendReport }> {
  process.env[WEBGPU_ADAPTER_ENV] = SOFTWARE_ADAPTER;
  const started = await initBackend({ preference: 'webgpu' });
  if (!started.report.device.includes(SOFTWARE_ADAPTER)) throw new Error(`Expected the ${SOFTWARE_ADAPTER} adapter. Received: device=${started.report.device}`);
  return started;
}

/** A training run of `graph` on an in-memory dataset, with its run folder in a temporary directory. */
export interface TestRun {
  runDir: string;
  events: TrainerEvent[];
  /** The graph compiled with seed 1. */
  model: LayersModel;
  /** A trainer of `model` on the dataset. */
  trainer(extra?: Partial<TrainerOptions>): Trainer;
  /** Disposes of the model and removes the temporary folder. */
  remove(): Promise<void>;
}

/** Prepares a run folder the real trainer writes its metrics and checkpoints into. */
export async function createTestRun(tf: Tfjs, report: BackendReport, graph: ModelGraph, dataset: SyntheticDataset, input: HyperparametersInput): Promise<TestRun> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'webgpu-run-'));
  const hyperparameters = hyperparametersSchema.parse(input);
  const now = new Date().toISOString();
  const spec: RunSpec = {
    schemaVersion: 1, id: 'run-webgpu', name: graph.name, createdAt: now, graph,
    dataset: { id: dataset.info.id, name: dataset.info.name, cacheDir: '<memory>', fingerprint: dataset.info.fingerprint, classes: dataset.info.classes, imageShape: dataset.info.imageShape },
    hyperparameters, backendPreference: 'webgpu', backend: null, status: 'queued', epochsCompleted: 0, best: null, last: null, endReason: null, updatedAt: now,
  };
  const runDir = await createRunDir(root, spec);
  const events: TrainerEvent[] = [];
  const model = compileGraph(graph, tf, { seed: 1 });
  return {
    runDir,
    events,
    model,
    trainer: (extra = {}) => new Trainer({
      tf, model, cache: memoryDatasetCache(dataset), hyperparameters, runId: spec.id, runDir,
      backend: report, emit: (event) => events.push(event), batchEventIntervalMs: 0, ...extra,
    }),
    remove: async () => {
      model.dispose();
      await fs.rm(root, { recursive: true, force: true });
    },
  };
}
