import { GraphBuilder } from './builder';
import { defineTemplate } from './types';

/**
 * The small MNIST CNN: Conv32-Pool-Conv64-Pool-Flatten-Dense64-Dense10 with 3×3 kernels.
 * The benchmarks train this exact model, so its layers must not change.
 */
export const mnistCnnTemplate = defineTemplate({
  id: 'mnist-cnn',
  title: 'MNIST CNN',
  description: 'Small CNN for 28×28 digits: two 3×3 convolutions (32, 64) with max pooling, Dense 64, softmax classifier.',
  defaultInputShape: [28, 28, 1],
  defaultClasses: 10,
  inputRank: 3,
  create({ inputShape, classes }) {
    const b = new GraphBuilder('mnist_cnn', this.description);
    let x = b.input(inputShape);
    x = b.layer('Conv2D', { filters: 32, kernel_size: [3, 3], activation: 'relu' }, x);
    x = b.layer('MaxPooling2D', { pool_size: [2, 2] }, x);
    x = b.layer('Conv2D', { filters: 64, kernel_size: [3, 3], activation: 'relu' }, x);
    x = b.layer('MaxPooling2D', { pool_size: [2, 2] }, x);
    x = b.layer('Flatten', {}, x);
    x = b.layer('Dense', { units: 64, activation: 'relu' }, x);
    b.layer('Dense', { units: classes, activation: 'softmax' }, x);
    return b.build('mnist-cnn');
  },
});
