import { GraphBuilder } from './builder';
import { defineTemplate } from './types';

/**
 * AlexNet (Krizhevsky et al., 2012) as one stream on 227×227 input. Differs from the
 * paper: no local response normalization (Keras has no such layer) and no two-GPU split.
 */
export const alexnetTemplate = defineTemplate({
  id: 'alexnet',
  title: 'AlexNet',
  description: 'Krizhevsky 2012, single stream: 11×11/4 convolution, 5×5 and three 3×3 convolutions with overlapping max pooling, two Dense 4096 with dropout 0.5.',
  defaultInputShape: [227, 227, 3],
  defaultClasses: 1000,
  inputRank: 3,
  create({ inputShape, classes }) {
    const b = new GraphBuilder('alexnet', this.description);
    let x = b.input(inputShape);
    x = b.layer('Conv2D', { filters: 96, kernel_size: [11, 11], strides: [4, 4], activation: 'relu' }, x, 'conv1');
    x = b.layer('MaxPooling2D', { pool_size: [3, 3], strides: [2, 2] }, x, 'pool1');
    x = b.layer('Conv2D', { filters: 256, kernel_size: [5, 5], padding: 'same', activation: 'relu' }, x, 'conv2');
    x = b.layer('MaxPooling2D', { pool_size: [3, 3], strides: [2, 2] }, x, 'pool2');
    x = b.layer('Conv2D', { filters: 384, kernel_size: [3, 3], padding: 'same', activation: 'relu' }, x, 'conv3');
    x = b.layer('Conv2D', { filters: 384, kernel_size: [3, 3], padding: 'same', activation: 'relu' }, x, 'conv4');
    x = b.layer('Conv2D', { filters: 256, kernel_size: [3, 3], padding: 'same', activation: 'relu' }, x, 'conv5');
    x = b.layer('MaxPooling2D', { pool_size: [3, 3], strides: [2, 2] }, x, 'pool5');
    x = b.layer('Flatten', {}, x, 'flatten');
    x = b.layer('Dense', { units: 4096, activation: 'relu' }, x, 'fc6');
    x = b.layer('Dropout', { rate: 0.5 }, x, 'drop6');
    x = b.layer('Dense', { units: 4096, activation: 'relu' }, x, 'fc7');
    x = b.layer('Dropout', { rate: 0.5 }, x, 'drop7');
    b.layer('Dense', { units: classes, activation: 'softmax' }, x, 'predictions');
    return b.build('alexnet');
  },
});
