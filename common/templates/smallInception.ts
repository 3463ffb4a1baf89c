import { GraphBuilder, type TensorRef } from './builder';
import { defineTemplate } from './types';

/** Filters of one Inception module's towers (GoogLeNet's naming). */
interface InceptionFilters {
  conv1x1: number;
  reduce3x3: number;
  conv3x3: number;
  reduce5x5: number;
  conv5x5: number;
  poolProjection: number;
}

/**
 * An Inception module (Szegedy et al., 2014): 1×1, 1×1→3×3, 1×1→5×5 and 3×3 max pool→1×1
 * towers side by side, concatenated along the channels.
 */
function inceptionModule(b: GraphBuilder, input: TensorRef, f: InceptionFilters, name: string): TensorRef {
  const conv = (x: TensorRef, filters: number, kernel: number, suffix: string): TensorRef =>
    b.layer('Conv2D', { filters, kernel_size: [kernel, kernel], padding: 'same', activation: 'relu' }, x, `${name}_${suffix}`);
  const tower1 = conv(input, f.conv1x1, 1, '1x1');
  const tower2 = conv(conv(input, f.reduce3x3, 1, '3x3_reduce'), f.conv3x3, 3, '3x3');
  const tower3 = conv(conv(input, f.reduce5x5, 1, '5x5_reduce'), f.conv5x5, 5, '5x5');
  const pooled = b.layer('MaxPooling2D', { pool_size: [3, 3], strides: [1, 1], padding: 'same' }, input, `${name}_pool`);
  const tower4 = conv(pooled, f.poolProjection, 1, 'pool_proj');
  return b.layer('Concatenate', { axis: -1 }, [tower1, tower2, tower3, tower4], name);
}

/** A small Inception network for 32×32 images: a stem and two Inception modules. */
export const smallInceptionTemplate = defineTemplate({
  id: 'small-inception',
  title: 'Small Inception',
  description: 'GoogLeNet-style network for small images: 3×3 stem, two Inception modules (1×1, 3×3, 5×5 and pooling towers concatenated) with max pooling between, global average pooling, classifier.',
  defaultInputShape: [32, 32, 3],
  defaultClasses: 10,
  inputRank: 3,
  create({ inputShape, classes }) {
    const b = new GraphBuilder('small_inception', this.description);
    let x = b.input(inputShape);
    x = b.layer('Conv2D', { filters: 32, kernel_size: [3, 3], padding: 'same', activation: 'relu' }, x, 'stem_conv');
    x = b.layer('MaxPooling2D', { pool_size: [2, 2] }, x, 'stem_pool');
    x = inceptionModule(b, x, { conv1x1: 16, reduce3x3: 16, conv3x3: 32, reduce5x5: 8, conv5x5: 16, poolProjection: 16 }, 'mixed1');
    x = b.layer('MaxPooling2D', { pool_size: [2, 2] }, x, 'pool2');
    x = inceptionModule(b, x, { conv1x1: 32, reduce3x3: 32, conv3x3: 48, reduce5x5: 8, conv5x5: 24, poolProjection: 24 }, 'mixed2');
    x = b.layer('GlobalAveragePooling2D', {}, x, 'avg_pool');
    b.layer('Dense', { units: classes, activation: 'softmax' }, x, 'predictions');
    return b.build('small-inception');
  },
});
