import { vggTemplate } from './vgg';

/** VGG19 as `keras.applications.VGG19`: VGG16 with a fourth convolution in blocks 3, 4 and 5. */
export const vgg19Template = vggTemplate({
  module: 'vgg19',
  title: 'VGG19',
  description: 'Simonyan & Zisserman 2014, as keras.applications.VGG19: VGG16 with four convolutions in each of the last three blocks (16 convolutions), Dense 4096, 4096 and the classifier.',
  blocks: [
    { filters: 64, convs: 2 },
    { filters: 128, convs: 2 },
    { filters: 256, convs: 4 },
    { filters: 512, convs: 4 },
    { filters: 512, convs: 4 },
  ],
});
