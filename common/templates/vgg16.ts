import { vggTemplate } from './vgg';

/** VGG16 as `keras.applications.VGG16`: blocks of 2, 2, 3, 3 and 3 convolutions. */
export const vgg16Template = vggTemplate({
  module: 'vgg16',
  title: 'VGG16',
  description: 'Simonyan & Zisserman 2014, as keras.applications.VGG16: five blocks of 3×3 convolutions with max pooling, Dense 4096, 4096 and the classifier.',
  blocks: [
    { filters: 64, convs: 2 },
    { filters: 128, convs: 2 },
    { filters: 256, convs: 3 },
    { filters: 512, convs: 3 },
    { filters: 512, convs: 3 },
  ],
});
