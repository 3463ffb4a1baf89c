import * as tf from '@tensorflow/tfjs';
import { Conv2D, Conv2DBackpropFilter, getGradient, type Conv2DAttrs, type GradConfig, type NamedAttrMap } from '@tensorflow/tfjs-core';
import { dilationPair, gatherTaps, spreadFilter, spreadShape } from './spreadFilter';

/**
 * The gradient of Conv2D with dilation support. TF.js 4.22's own gradient refuses
 * dilation rates above 1; this one passes dilation-1 convolutions to it unchanged and
 * handles dilated ones through the spread filter (Keras forbids strides > 1 with
 * dilation > 1, so the stride is 1 there):
 *
 *   dx = conv2dTranspose(dy, spread(W)),  dW = taps of Conv2DBackpropFilter(x, dy, spread shape)
 */
export function dilatedConv2DGradConfig(): GradConfig {
  const original = getGradient(Conv2D);
  return {
    kernelName: Conv2D,
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs: NamedAttrMap) => {
      const { dilations, strides, pad, dataFormat, dimRoundingMode } = attrs as unknown as Conv2DAttrs;
      const [dilationHeight, dilationWidth] = dilationPair(dilations);
      if ((dilationHeight === 1 && dilationWidth === 1) || original === undefined) {
        if (original === undefined) throw new Error('TF.js registers no gradient for Conv2D.');
        return original.gradFunc(dy, saved, attrs);
      }
      const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
      if (dataFormat !== 'NHWC') throw new Error(`Dilated Conv2D gradients support dataFormat 'NHWC' only. Received: dataFormat=${dataFormat}`);
      const gradient = dy as tf.Tensor4D;
      const explicitOrNamed = pad as Parameters<typeof tf.conv2dTranspose>[4];
      return {
        x: () => tf.conv2dTranspose(gradient, spreadFilter(filter, dilationHeight, dilationWidth), x.shape, strides, explicitOrNamed, dimRoundingMode),
        filter: () => {
          const filterShape = spreadShape(filter.shape, dilationHeight, dilationWidth);
          const spread = tf.engine().runKernel(Conv2DBackpropFilter, { x, dy: gradient }, { strides, pad, dataFormat, dimRoundingMode, filterShape } as unknown as NamedAttrMap) as tf.Tensor4D;
          return gatherTaps(spread, dilationHeight, dilationWidth);
        },
      };
    },
  };
}
