import type { ModelGraph } from '../common/graph/schema';
import { GraphBuilder } from '../common/templates/builder';
import { buildTemplate } from '../common/templates/index';

/** A model the GPU benchmarks train, with the batch size its reference figures use. */
export interface GpuBenchModel {
  id: 'small-cnn' | 'vgg-cifar';
  title: string;
  graph: ModelGraph;
  inputShape: [number, number, number];
  classes: number;
  batch: number;
}

/** The small MNIST CNN (Conv32-Pool-Conv64-Pool-Dense64-Dense10) on 28×28×1, batch 64. */
export function smallCnn(): GpuBenchModel {
  return {
    id: 'small-cnn', title: 'small CNN', inputShape: [28, 28, 1], classes: 10, batch: 64,
    graph: buildTemplate('mnist-cnn', { inputShape: [28, 28, 1], classes: 10 }),
  };
}

/**
 * The VGG-style CIFAR net: 2×64, 2×128, 2×256 conv 3×3 'same', each followed by batch
 * normalization and ReLU, a max-pool after each pair, global average pooling, Dense 10;
 * 32×32×3, batch 128.
 */
export function vggCifar(): GpuBenchModel {
  const b = new GraphBuilder('vgg_cifar', 'VGG-style CIFAR net');
  let x = b.input([32, 32, 3]);
  for (const filters of [64, 128, 256]) {
    for (let i = 0; i < 2; i++) {
      x = b.layer('Conv2D', { filters, kernel_size: [3, 3], padding: 'same' }, x);
      x = b.layer('BatchNormalization', {}, x);
      x = b.layer('ReLU', {}, x);
    }
    x = b.layer('MaxPooling2D', { pool_size: [2, 2] }, x);
  }
  x = b.layer('GlobalAveragePooling2D', {}, x);
  b.layer('Dense', { units: 10, activation: 'softmax' }, x);
  return { id: 'vgg-cifar', title: 'VGG-style CIFAR net', inputShape: [32, 32, 3], classes: 10, batch: 128, graph: b.build() };
}
