import { beforeAll, describe, expect, it } from 'vitest';
import type { BackendReport } from '../../../common/training/backend';
import { TEMPLATES, buildTemplate } from '../../../common/templates';
import type { Tfjs } from '../../../main/engine/backend';
import { syntheticDataset } from '../../unit/main/engine/train/datasetFixture';
import { createTestRun, startSoftwareWebGpu } from './softwareWebGpu';

/**
 * Every template trains on the webgpu backend (lavapipe, so no GPU is needed) through the
 * real trainer: the loss falls and neither tensors nor GPU memory grow from one epoch to
 * the next. Inputs are as small as each architecture allows and each epoch is one step of
 * the same few images, because lavapipe runs the shaders on the CPU.
 */

/**
 * Input size and batch per template: the smallest square input each accepts (Keras's 32×32
 * for the Keras Applications, AlexNet's 11×11 stride 4, InceptionV3's 75×75), and for the BatchNormalization networks enough
 * positions per channel that the batch statistics of their last blocks are not erratic. At
 * 32×32 ResNet50's and MobileNetV2's last blocks see one position per image, so Adam's first
 * step (about the learning rate on every weight, whatever the gradient) must be smaller there,
 * and MobileNetV2 needs more images, for one step to lower the loss of the same batch.
 */
const SETUPS: Readonly<Record<string, { size: number; batch: number; learningRate?: number }>> = {
  mlp: { size: 8, batch: 4 }, 'mnist-cnn': { size: 10, batch: 4 }, 'cifar10-cnn': { size: 10, batch: 4 }, lenet5: { size: 16, batch: 4 },
  alexnet: { size: 67, batch: 4 }, vgg16: { size: 32, batch: 4 }, 'small-inception': { size: 8, batch: 4 },
  'small-resnet': { size: 16, batch: 4 }, mobilenetv2: { size: 32, batch: 16, learningRate: 1e-5 }, resnet50: { size: 32, batch: 8, learningRate: 1e-5 },
  vgg19: { size: 32, batch: 4 }, inceptionv3: { size: 75, batch: 8 },
};

/**
 * The big templates (VGG16, VGG19, AlexNet, ResNet50, InceptionV3: 20-40 million parameters) take tens of
 * seconds a step on lavapipe, most of it shader compilation and the naive filter gradient.
 */
const TEMPLATE_TIMEOUT_MS = 600_000;

let tf: Tfjs;
let report: BackendReport;

beforeAll(async () => {
  ({ tf, report } = await startSoftwareWebGpu());
});

describe('every template on webgpu', () => {
  it('covers the template list', () => {
    expect(Object.keys(SETUPS).sort()).toEqual(TEMPLATES.map((t) => t.id).sort());
  });

  it.each(TEMPLATES.map((t) => t.id))('%s trains: the loss falls, tensors and GPU memory stay flat across epochs', async (id) => {
    const { size, batch, learningRate = 1e-4 } = SETUPS[id] ?? { size: 32, batch: 4 };
    const graph = buildTemplate(id, { inputShape: [size, size, 1], classes: 2 });
    // Dropout draws new masks every step, so a dropout network's progress is read in inference
    // mode (the validation pass, over the same images); the others' training loss is exact.
    const hasDropout = graph.nodes.some((node) => node.type === 'Dropout');
    const dataset = syntheticDataset({ count: 3 * batch, size, classes: 2 });
    const images = Array.from({ length: batch }, (_, i) => i);
    dataset.splits = { train: images, validation: hasDropout ? images : [], test: [] };
    const run = await createTestRun(tf, report, graph, dataset, {
      epochs: 2, batchSize: batch, shuffle: false, validationSplit: null, optimizer: { name: 'adam', learningRate },
    });
    const memory: { numTensors: number; numBytes: number; numBytesInGPU: number }[] = [];
    try {
      const result = await run.trainer({
        afterEpoch: () => {
          const { numTensors, numBytes, numBytesInGPU } = tf.memory() as ReturnType<Tfjs['memory']> & { numBytesInGPU: number };
          memory.push({ numTensors, numBytes, numBytesInGPU });
        },
      }).run();
      expect(result.reason).toBe('completed');
      const monitor = hasDropout ? 'val_loss' : 'loss';
      const losses = result.history.map((record) => record.logs[monitor] as number);
      expect(losses.every(Number.isFinite), JSON.stringify(losses)).toBe(true);
      expect(losses[1], `${monitor} per epoch: ${JSON.stringify(losses)}`).toBeLessThan(losses[0] as number);
      expect(memory, JSON.stringify(memory)).toHaveLength(2);
      expect(memory[1], JSON.stringify(memory)).toEqual(memory[0]);
      expect(memory[0]?.numBytesInGPU).toBeGreaterThan(0);
    } finally {
      await run.remove();
    }
  }, TEMPLATE_TIMEOUT_MS);
});
