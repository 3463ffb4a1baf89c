/// <reference types="@webgpu/types" />
import { getKernel, registerKernel, unregisterKernel, type KernelConfig, type TensorInfo } from '@tensorflow/tfjs-core';
import { webgpu_util, type WebGPUBackend, type WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { afterEach, describe, expect, it } from 'vitest';
import { LabError } from '../../../common/errors';
import { GraphBuilder } from '../../../common/templates/builder';
import type { ModelGraph } from '../../../common/graph/schema';
import { initBackend } from '../../../main/engine/backend';
import { compileGraph } from '../../../main/engine/compile';
import { loadWeightsInto } from '../../../main/engine/train/checkpointIo';
import { checkpointDir, readRunSpec } from '../../../main/project/runRepository';
import { syntheticDataset } from '../../unit/main/engine/train/datasetFixture';
import { createTestRun, startSoftwareWebGpu, type TestRun } from './softwareWebGpu';

/**
 * Real GPU faults injected into a real training run on lavapipe: the device destroyed, an
 * allocation the driver refuses, a shader that does not compile. Each ends the run with
 * TRAIN_GPU_FAULT naming the cause, and the checkpoint of the last good epoch still loads.
 */

/** Flatten, Dense 16, a separate ReLU (its own kernel, not fused into the MatMul), softmax. */
function reluGraph(): ModelGraph {
  const b = new GraphBuilder('relu_net', 'Dense with a separate ReLU activation.');
  let x = b.input([8, 8, 1]);
  x = b.layer('Flatten', {}, x);
  x = b.layer('Dense', { units: 16 }, x);
  x = b.layer('Activation', { activation: 'relu' }, x);
  b.layer('Dense', { units: 3, activation: 'softmax' }, x);
  return b.build('relu-net');
}

const runs: TestRun[] = [];
afterEach(async () => {
  for (const run of runs.splice(0)) await run.remove();
});

/** Trains 4 epochs on webgpu, calling `inject` with the GPU device after the first one. */
async function runWithFault(inject: (device: GPUDevice) => void): Promise<{ error: unknown; run: TestRun }> {
  const { tf, report } = await startSoftwareWebGpu();
  const run = await createTestRun(tf, report, reluGraph(), syntheticDataset(), { epochs: 4, batchSize: 16, optimizer: { name: 'adam', learningRate: 0.01 } });
  runs.push(run);
  const device = (tf.backend() as WebGPUBackend).device;
  const error = await run.trainer({ afterEpoch: (epoch) => (epoch === 1 ? inject(device) : undefined) }).run().then(() => null, (e: unknown) => e);
  return { error, run };
}

/** The checkpoint of epoch 1 is the last one, and it loads into a fresh model on the cpu backend. */
async function expectIntactCheckpoint(run: TestRun): Promise<void> {
  const last = await checkpointDir(run.runDir, 'last');
  expect(last?.epoch).toBe(1);
  expect((await readRunSpec(run.runDir)).epochsCompleted).toBe(1);
  const { tf } = await initBackend({ preference: 'cpu' });
  const model = compileGraph(reluGraph(), tf);
  await loadWeightsInto(model, last?.dir ?? '', tf);
  const weights = await Promise.all(model.getWeights().map((w) => w.data()));
  expect(weights.every((values) => values.every(Number.isFinite))).toBe(true);
  model.dispose();
}

function expectGpuFault(error: unknown, kind: string, message: RegExp): void {
  expect(error).toBeInstanceOf(LabError);
  expect((error as LabError).code).toBe('TRAIN_GPU_FAULT');
  expect((error as LabError).details?.['fault']).toBe(kind);
  expect((error as LabError).message).toMatch(message);
}

describe('GPU faults during training on webgpu', () => {
  it('a device lost mid-run ends the run naming the loss, and the last good checkpoint loads', async () => {
    const { error, run } = await runWithFault((device) => device.destroy());
    expectGpuFault(error, 'device-lost', /The GPU device was lost \(llvmpipe \(WebGPU, Vulkan\), reason destroyed/);
    await expectIntactCheckpoint(run);
  });

  it('an allocation the GPU cannot satisfy ends the run as out of memory', async () => {
    const { error, run } = await runWithFault((device) => {
      // Real driver refusal on lavapipe (VK_ERROR_OUT_OF_DEVICE_MEMORY), on the device the trainer uses.
      device.createBuffer({ size: device.limits.maxBufferSize, usage: GPUBufferUsage.STORAGE });
    });
    expectGpuFault(error, 'out-of-memory', /ran out of memory: .*OUT_OF_DEVICE_MEMORY.*Try a smaller batch size/);
    await expectIntactCheckpoint(run);
  });

  it('a kernel whose WGSL does not compile ends the run naming the shader', async () => {
    const stock = getKernel('Relu', 'webgpu');
    if (stock === undefined) throw new Error('tfjs-backend-webgpu registers Relu');
    const workgroupSize: [number, number, number] = [64, 1, 1];
    const broken: KernelConfig = {
      kernelName: 'Relu',
      backendName: 'webgpu',
      kernelFunc: ({ inputs, backend }) => {
        const x = inputs['x'] as TensorInfo;
        const dispatchLayout = webgpu_util.flatDispatchLayout(x.shape);
        const program: WebGPUProgram = {
          outputShape: x.shape, shaderKey: 'relu_that_does_not_compile', dispatchLayout, workgroupSize, variableNames: ['A'], size: true,
          dispatch: webgpu_util.computeDispatch(dispatchLayout, x.shape, workgroupSize),
          getUserCode: () => 'fn relu_that_does_not_compile( {',
        };
        return (backend as WebGPUBackend).runWebGPUProgram(program, [x], x.dtype);
      },
    };
    try {
      const { error, run } = await runWithFault(() => {
        unregisterKernel('Relu', 'webgpu');
        registerKernel(broken);
      });
      expectGpuFault(error, 'shader-compilation', /A GPU shader failed to compile on llvmpipe \(WebGPU, Vulkan\): Error while parsing WGSL/);
      await expectIntactCheckpoint(run);
    } finally {
      unregisterKernel('Relu', 'webgpu');
      registerKernel(stock);
    }
  });
});
