import * as tf from '@tensorflow/tfjs';

/**
 * The filter with `dilation - 1` zero taps between neighbouring taps: a convolution with
 * dilation d equals a dilation-1 convolution with this filter, so every backend's plain
 * gradient kernels serve dilated convolutions too. Zero insertion is a pad and a reshape.
 */
export function spreadFilter(filter: tf.Tensor4D, dilationHeight: number, dilationWidth: number): tf.Tensor4D {
  const [height, width, inner, outer] = filter.shape;
  const split = tf.reshape(filter, [height, 1, width, 1, inner, outer]);
  const padded = tf.pad(split, [[0, 0], [0, dilationHeight - 1], [0, 0], [0, dilationWidth - 1], [0, 0], [0, 0]]);
  const spread = tf.reshape(padded, [height * dilationHeight, width * dilationWidth, inner, outer]);
  return tf.slice(spread, [0, 0, 0, 0], spreadShape(filter.shape, dilationHeight, dilationWidth)) as tf.Tensor4D;
}

/** Shape of `spreadFilter`'s result. */
export function spreadShape(shape: readonly number[], dilationHeight: number, dilationWidth: number): [number, number, number, number] {
  const [height = 1, width = 1, inner = 1, outer = 1] = shape;
  return [(height - 1) * dilationHeight + 1, (width - 1) * dilationWidth + 1, inner, outer];
}

/** The taps of a spread filter's gradient that belong to real filter taps. */
export function gatherTaps(spreadGradient: tf.Tensor4D, dilationHeight: number, dilationWidth: number): tf.Tensor4D {
  return tf.stridedSlice(spreadGradient, [0, 0, 0, 0], spreadGradient.shape, [dilationHeight, dilationWidth, 1, 1]) as tf.Tensor4D;
}

/** `[height, width]` of a dilation attribute (`2` or `[2, 1]`). */
export function dilationPair(dilations: number | readonly number[] | undefined | null): [number, number] {
  if (dilations === undefined || dilations === null) return [1, 1];
  if (typeof dilations === 'number') return [dilations, dilations];
  return [dilations[0] ?? 1, dilations[1] ?? dilations[0] ?? 1];
}
