import { GraphBuilder } from './builder';
import { defineTemplate } from './types';

/**
 * LeNet-5 (LeCun et al., 1998) on 32×32 grayscale input: tanh convolutions with average
 * pooling (the subsampling layers), then Dense 120 and 84.
 */
export const lenet5Template = defineTemplate({
  id: 'lenet5',
  title: 'LeNet-5',
  description: 'LeCun 1998: 5×5 convolutions (6, 16) with tanh and average pooling, Dense 120 and 84, softmax classifier. Expects 32×32 inputs (MNIST padded by 2).',
  defaultInputShape: [32, 32, 1],
  defaultClasses: 10,
  inputRank: 3,
  create({ inputShape, classes }) {
    const b = new GraphBuilder('lenet5', this.description);
    let x = b.input(inputShape);
    x = b.layer('Conv2D', { filters: 6, kernel_size: [5, 5], activation: 'tanh' }, x, 'c1');
    x = b.layer('AveragePooling2D', { pool_size: [2, 2] }, x, 's2');
    x = b.layer('Conv2D', { filters: 16, kernel_size: [5, 5], activation: 'tanh' }, x, 'c3');
    x = b.layer('AveragePooling2D', { pool_size: [2, 2] }, x, 's4');
    x = b.layer('Flatten', {}, x, 'flatten');
    x = b.layer('Dense', { units: 120, activation: 'tanh' }, x, 'c5');
    x = b.layer('Dense', { units: 84, activation: 'tanh' }, x, 'f6');
    b.layer('Dense', { units: classes, activation: 'softmax' }, x, 'predictions');
    return b.build('lenet5');
  },
});
