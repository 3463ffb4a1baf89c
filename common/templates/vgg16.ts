import { GraphBuilder, type TensorRef } from './builder';
import { defineTemplate } from './types';

/** Filters and convolution count of each VGG16 block, as in `keras.applications.vgg16`. */
const VGG16_BLOCKS: readonly { filters: number; convs: number }[] = [
  { filters: 64, convs: 2 },
  { filters: 128, convs: 2 },
  { filters: 256, convs: 3 },
  { filters: 512, convs: 3 },
  { filters: 512, convs: 3 },
];

/**
 * VGG16 with its top (`keras.applications.VGG16(include_top=True, weights=None)`): the
 * same layers, names and arguments, so weights and summaries line up with Keras.
 */
export const vgg16Template = defineTemplate({
  id: 'vgg16',
  title: 'VGG16',
  description: 'Simonyan & Zisserman 2014, as keras.applications.VGG16: five blocks of 3×3 convolutions with max pooling, Dense 4096, 4096 and the classifier.',
  defaultInputShape: [224, 224, 3],
  defaultClasses: 1000,
  inputRank: 3,
  create({ inputShape, classes }) {
    const b = new GraphBuilder('vgg16', this.description);
    let x: TensorRef = b.input(inputShape);
    VGG16_BLOCKS.forEach(({ filters, convs }, blockIndex) => {
      const block = `block${blockIndex + 1}`;
      for (let conv = 1; conv <= convs; conv++) {
        x = b.layer('Conv2D', { filters, kernel_size: [3, 3], activation: 'relu', padding: 'same' }, x, `${block}_conv${conv}`);
      }
      x = b.layer('MaxPooling2D', { pool_size: [2, 2], strides: [2, 2] }, x, `${block}_pool`);
    });
    x = b.layer('Flatten', {}, x, 'flatten');
    x = b.layer('Dense', { units: 4096, activation: 'relu' }, x, 'fc1');
    x = b.layer('Dense', { units: 4096, activation: 'relu' }, x, 'fc2');
    b.layer('Dense', { units: classes, activation: 'softmax' }, x, 'predictions');
    return b.build('vgg16');
  },
});
