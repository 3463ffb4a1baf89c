import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabEvent } from '../../../common/api/events';
import type { RunEvent } from '../../../common/api/methods/runs';
import { createLabService, type LabService } from '../../../main/api/labService';
import { initBackend } from '../../../main/engine/backend';
import { readBackendFaults } from '../../../main/engine/backendFaultLog';
import { compileGraph } from '../../../main/engine/compile';
import { loadWeightsInto } from '../../../main/engine/train/checkpointIo';
import { WEBGPU_ADAPTER_ENV } from '../../../main/engine/webgpuSupport';
import { checkpointDir } from '../../../main/project/runRepository';
import { syntheticDataset, tinyGraph, writeDatasetCache } from '../../unit/main/engine/train/datasetFixture';
import { SOFTWARE_ADAPTER } from '../engine/softwareWebGpu';

/**
 * A GPU lost in the middle of a run of the real training process (the device destroyed from
 * inside that process, test/fixtures/gpu/loseDeviceOnSignal.mjs): run.failed names the loss,
 * the last checkpoint stays, the lab remembers it, the next run falls back with a notice, and
 * a run that asks for webgpu by name tries it again and clears the memory once it completes.
 */

const injector = path.resolve(__dirname, '../../fixtures/gpu/loseDeviceOnSignal.mjs');
let root: string;
let trigger: string;
let service: LabService;
const events: LabEvent[] = [];
const saved = { nodeOptions: process.env['NODE_OPTIONS'], trigger: process.env['MODEL_LAB_TEST_LOSE_DEVICE_FILE'], adapter: process.env[WEBGPU_ADAPTER_ENV] };

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'gpu-fault-'));
  trigger = path.join(root, 'lose-device-now');
  await writeDatasetCache(path.join(root, 'datasets', 'synthetic'), syntheticDataset({ count: 96 }));
  // Training processes inherit these: the software adapter, and the injector armed by the trigger file.
  process.env[WEBGPU_ADAPTER_ENV] = SOFTWARE_ADAPTER;
  process.env['MODEL_LAB_TEST_LOSE_DEVICE_FILE'] = trigger;
  process.env['NODE_OPTIONS'] = [saved.nodeOptions, `--import ${injector}`].filter(Boolean).join(' ');
  // webgpu is the lab's backend setting, as MODEL_LAB_BACKEND=webgpu would make it.
  service = await createLabService({ dataDir: root, allowedRoots: [root], backend: 'webgpu' });
  service.onEvent((event) => events.push(event));
});

afterAll(async () => {
  service.dispose();
  for (const [key, value] of [['NODE_OPTIONS', saved.nodeOptions], ['MODEL_LAB_TEST_LOSE_DEVICE_FILE', saved.trigger], [WEBGPU_ADAPTER_ENV, saved.adapter]] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  await fs.rm(root, { recursive: true, force: true });
});

async function waitFor(condition: () => boolean, timeoutMs = 240_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

function ofRun<T extends RunEvent['type']>(runId: string, type: T): Extract<RunEvent, { type: T }>[] {
  return events.filter((e): e is Extract<RunEvent, { type: T }> => e.type === type && 'runId' in e && e.runId === runId);
}

/** Each test starts training processes on lavapipe, which compiles its shaders on the CPU. */
const TEST_TIMEOUT_MS = 300_000;

const ended = (runId: string) => (): boolean => ofRun(runId, 'run.done').length + ofRun(runId, 'run.failed').length > 0;

describe('a GPU lost during a run in the training process', () => {
  it('fails the run naming the loss, keeps the checkpoint, and the next run falls back with a notice', async () => {
    const { runId, runDir } = await service.call('startRun', { graph: tinyGraph(), dataset: 'synthetic', hyperparameters: { epochs: 200, batchSize: 16 } });
    await waitFor(() => ofRun(runId, 'run.checkpoint').some((e) => e.kind === 'last'));
    await fs.writeFile(trigger, '');
    await waitFor(ended(runId));
    const failed = ofRun(runId, 'run.failed')[0];
    expect(failed?.code).toBe('TRAIN_GPU_FAULT');
    expect(failed?.reason).toMatch(/^The GPU device was lost \(llvmpipe \(WebGPU, Vulkan\), reason destroyed/);
    const last = await checkpointDir(runDir, 'last');
    expect(last?.epoch).toBeGreaterThanOrEqual(1);
    expect(failed?.lastGoodEpoch).toBeGreaterThanOrEqual(last?.epoch ?? 1);
    const { tf } = await initBackend({ preference: 'cpu' });
    const model = compileGraph(tinyGraph(), tf);
    await expect(loadWeightsInto(model, last?.dir ?? '', tf)).resolves.toBeUndefined();
    model.dispose();
    expect(await readBackendFaults(root)).toEqual([expect.objectContaining({ backend: 'webgpu', runId, reason: failed?.reason })]);

    // The backend report says it: webgpu is skipped, and why.
    const info = await service.call('getSystemInfo', {});
    expect(info.backend.chosen).not.toBe('webgpu');
    expect(info.backend.notice).toContain(`webgpu is not used because run ${runId} failed`);
    expect(info.backend.candidates.find((c) => c.name === 'webgpu')?.reason).toMatch(new RegExp(`^skipped: run ${runId} failed on it`));

    // The next run with the same setting trains on the next backend and says so.
    await fs.rm(trigger);
    const next = await service.call('startRun', { graph: tinyGraph(), dataset: 'synthetic', hyperparameters: { epochs: 1, batchSize: 16 } });
    await waitFor(ended(next.runId));
    const started = ofRun(next.runId, 'run.started')[0];
    expect(started?.backend.chosen).toBe(info.backend.chosen);
    expect(started?.backend.notice).toContain('webgpu is not used');
    expect(events.some((e) => e.type === 'log' && e.level === 'warn' && e.message.includes('webgpu is not used'))).toBe(true);
    expect(ofRun(next.runId, 'run.done')).toHaveLength(1);
  }, TEST_TIMEOUT_MS);

  it('a run that asks for webgpu by name tries it again, and completing clears the memory', async () => {
    const { runId } = await service.call('startRun', { graph: tinyGraph(), dataset: 'synthetic', backend: 'webgpu', hyperparameters: { epochs: 1, batchSize: 16 } });
    await waitFor(ended(runId));
    expect(ofRun(runId, 'run.started')[0]?.backend.chosen).toBe('webgpu');
    expect(ofRun(runId, 'run.done')).toHaveLength(1);
    expect(await readBackendFaults(root)).toEqual([]);
    const info = await service.call('getSystemInfo', {});
    expect(info.backend.chosen).toBe('webgpu');
    expect(info.backend.notice).toBeUndefined();
  }, TEST_TIMEOUT_MS);
});
