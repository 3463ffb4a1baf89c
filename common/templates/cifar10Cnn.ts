import { GraphBuilder } from './builder';
import { defineTemplate } from './types';

/** The classic Keras CIFAR-10 example CNN: two conv pairs with pooling and dropout, Dense 512. */
export const cifar10CnnTemplate = defineTemplate({
  id: 'cifar10-cnn',
  title: 'CIFAR-10 CNN',
  description: 'Two pairs of 3×3 convolutions (32, 64) each followed by max pooling and dropout 0.25, Dense 512 with dropout 0.5, softmax classifier.',
  defaultInputShape: [32, 32, 3],
  defaultClasses: 10,
  inputRank: 3,
  create({ inputShape, classes }) {
    const b = new GraphBuilder('cifar10_cnn', this.description);
    let x = b.input(inputShape);
    x = b.layer('Conv2D', { filters: 32, kernel_size: [3, 3], padding: 'same', activation: 'relu' }, x);
    x = b.layer('Conv2D', { filters: 32, kernel_size: [3, 3], activation: 'relu' }, x);
    x = b.layer('MaxPooling2D', { pool_size: [2, 2] }, x);
    x = b.layer('Dropout', { rate: 0.25 }, x);
    x = b.layer('Conv2D', { filters: 64, kernel_size: [3, 3], padding: 'same', activation: 'relu' }, x);
    x = b.layer('Conv2D', { filters: 64, kernel_size: [3, 3], activation: 'relu' }, x);
    x = b.layer('MaxPooling2D', { pool_size: [2, 2] }, x);
    x = b.layer('Dropout', { rate: 0.25 }, x);
    x = b.layer('Flatten', {}, x);
    x = b.layer('Dense', { units: 512, activation: 'relu' }, x);
    x = b.layer('Dropout', { rate: 0.5 }, x);
    b.layer('Dense', { units: classes, activation: 'softmax' }, x);
    return b.build('cifar10-cnn');
  },
});
