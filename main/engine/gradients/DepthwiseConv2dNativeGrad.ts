import * as tf from '@tensorflow/tfjs';
import {
  DepthwiseConv2dNative,
  DepthwiseConv2dNativeBackpropFilter,
  DepthwiseConv2dNativeBackpropInput,
  getGradient,
  type DepthwiseConv2dNativeAttrs,
  type GradConfig,
  type NamedAttrMap,
} from '@tensorflow/tfjs-core';
import { dilationPair, gatherTaps, spreadFilter, spreadShape } from './spreadFilter';

/**
 * The gradient of DepthwiseConv2dNative with dilation support (DepthwiseConv2D and the
 * depthwise half of SeparableConv2D). TF.js 4.22's own gradient refuses dilation rates
 * above 1; dilated ones go through the spread filter with dilation-1 backprop kernels,
 * which every backend implements correctly (the cpu backend's ignore dilation).
 */
export function dilatedDepthwiseConv2dNativeGradConfig(): GradConfig {
  const original = getGradient(DepthwiseConv2dNative);
  return {
    kernelName: DepthwiseConv2dNative,
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs: NamedAttrMap) => {
      const { dilations, strides, pad, dimRoundingMode } = attrs as unknown as DepthwiseConv2dNativeAttrs;
      const [dilationHeight, dilationWidth] = dilationPair(dilations);
      if ((dilationHeight === 1 && dilationWidth === 1) || original === undefined) {
        if (original === undefined) throw new Error('TF.js registers no gradient for DepthwiseConv2dNative.');
        return original.gradFunc(dy, saved, attrs);
      }
      const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
      const common = { strides, dilations: [1, 1], pad, dimRoundingMode };
      return {
        x: () => tf.engine().runKernel(
          DepthwiseConv2dNativeBackpropInput,
          { dy: dy as tf.Tensor4D, filter: spreadFilter(filter, dilationHeight, dilationWidth) },
          { ...common, inputShape: x.shape } as unknown as NamedAttrMap,
        ) as tf.Tensor4D,
        filter: () => {
          const filterShape = spreadShape(filter.shape, dilationHeight, dilationWidth);
          const spread = tf.engine().runKernel(DepthwiseConv2dNativeBackpropFilter, { x, dy: dy as tf.Tensor4D }, { ...common, filterShape } as unknown as NamedAttrMap) as tf.Tensor4D;
          return gatherTaps(spread, dilationHeight, dilationWidth);
        },
      };
    },
  };
}
