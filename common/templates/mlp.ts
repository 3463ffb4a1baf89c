import { GraphBuilder } from './builder';
import { defineTemplate } from './types';

/** A multilayer perceptron for 28×28 digit images: Flatten, two hidden Dense layers, softmax. */
export const mlpTemplate = defineTemplate({
  id: 'mlp',
  title: 'MLP (28×28 digits)',
  description: 'Multilayer perceptron: Flatten, Dense 256 and 128 with ReLU, softmax classifier. A baseline for MNIST-sized images.',
  defaultInputShape: [28, 28, 1],
  defaultClasses: 10,
  inputRank: 3,
  create({ inputShape, classes }) {
    const b = new GraphBuilder('mlp', this.description);
    let x = b.input(inputShape);
    x = b.layer('Flatten', {}, x);
    x = b.layer('Dense', { units: 256, activation: 'relu' }, x);
    x = b.layer('Dense', { units: 128, activation: 'relu' }, x);
    b.layer('Dense', { units: classes, activation: 'softmax' }, x);
    return b.build('mlp');
  },
});
