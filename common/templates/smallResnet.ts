import { GraphBuilder, type TensorRef } from './builder';
import { defineTemplate } from './types';

/** Filters of each stage; every stage after the first halves the spatial size. */
const STAGE_FILTERS = [16, 32, 64] as const;
const BLOCKS_PER_STAGE = 2;

/**
 * A basic residual block (two 3×3 convolutions). Where the block changes the size or
 * the channel count, the shortcut is a strided 1×1 projection with BatchNormalization,
 * as in ResNet's option B; elsewhere it is the identity.
 */
function basicBlock(b: GraphBuilder, input: TensorRef, inChannels: number, filters: number, stride: number, name: string): TensorRef {
  let shortcut = input;
  if (stride !== 1 || inChannels !== filters) {
    shortcut = b.layer('Conv2D', { filters, kernel_size: [1, 1], strides: [stride, stride], use_bias: false }, input, `${name}_0_conv`);
    shortcut = b.layer('BatchNormalization', {}, shortcut, `${name}_0_bn`);
  }
  let x = b.layer('Conv2D', { filters, kernel_size: [3, 3], strides: [stride, stride], padding: 'same', use_bias: false }, input, `${name}_1_conv`);
  x = b.layer('BatchNormalization', {}, x, `${name}_1_bn`);
  x = b.layer('Activation', { activation: 'relu' }, x, `${name}_1_relu`);
  x = b.layer('Conv2D', { filters, kernel_size: [3, 3], padding: 'same', use_bias: false }, x, `${name}_2_conv`);
  x = b.layer('BatchNormalization', {}, x, `${name}_2_bn`);
  x = b.layer('Add', {}, [shortcut, x], `${name}_add`);
  return b.layer('Activation', { activation: 'relu' }, x, `${name}_out`);
}

/** A small ResNet for 32×32 images: a 3×3 stem and three stages of two basic blocks. */
export const smallResnetTemplate = defineTemplate({
  id: 'small-resnet',
  title: 'Small ResNet',
  description: 'ResNet for small images: 3×3 stem, three stages (16, 32, 64 filters) of two residual blocks with 1×1 projection shortcuts where the size changes, global average pooling, classifier.',
  defaultInputShape: [32, 32, 3],
  defaultClasses: 10,
  inputRank: 3,
  create({ inputShape, classes }) {
    const b = new GraphBuilder('small_resnet', this.description);
    let x = b.input(inputShape);
    x = b.layer('Conv2D', { filters: STAGE_FILTERS[0], kernel_size: [3, 3], padding: 'same', use_bias: false }, x, 'stem_conv');
    x = b.layer('BatchNormalization', {}, x, 'stem_bn');
    x = b.layer('Activation', { activation: 'relu' }, x, 'stem_relu');
    let channels: number = STAGE_FILTERS[0];
    STAGE_FILTERS.forEach((filters, stageIndex) => {
      for (let block = 1; block <= BLOCKS_PER_STAGE; block++) {
        const stride = stageIndex > 0 && block === 1 ? 2 : 1;
        x = basicBlock(b, x, channels, filters, stride, `stage${stageIndex + 1}_block${block}`);
        channels = filters;
      }
    });
    x = b.layer('GlobalAveragePooling2D', {}, x, 'avg_pool');
    b.layer('Dense', { units: classes, activation: 'softmax' }, x, 'predictions');
    return b.build('small-resnet');
  },
});
