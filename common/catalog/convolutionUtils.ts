import type { LabError } from '../errors';
import type { Dim, Shape } from '../graph/shape';
import { badParam, requireKnownDim, requirePositive, requirePositiveOutput, singleInput } from './layerErrors';

/**
 * Rules shared by the convolution and pooling families, ported from Keras's
 * `keras/src/ops/operation_utils.py` and `layers/convolutional/base_conv.py`.
 */

export type Padding = 'valid' | 'same';

/** Text used in rank errors of every 2D spatial layer. */
export const IMAGE_INPUT = 'a 4D input (batch, height, width, channels)';

/**
 * Keras's `conv_output_length`: the output length along one spatial axis.
 * `None` stays `None`.
 */
export function convOutputLength(inputLength: Dim, filterSize: number, padding: Padding, stride: number, dilation = 1): Dim {
  if (inputLength === null) return null;
  const dilatedFilterSize = filterSize + (filterSize - 1) * (dilation - 1);
  const length = padding === 'same' ? inputLength : inputLength - dilatedFilterSize + 1;
  return Math.floor((length + stride - 1) / stride);
}

/**
 * Keras's `deconv_output_length` (transposed convolution), with or without an explicit
 * `output_padding`.
 */
export function deconvOutputLength(inputLength: Dim, filterSize: number, padding: Padding, outputPadding: number | null, stride: number, dilation = 1): Dim {
  if (inputLength === null) return null;
  const dilatedFilterSize = filterSize + (filterSize - 1) * (dilation - 1);
  if (outputPadding === null) {
    return padding === 'valid' ? inputLength * stride + Math.max(dilatedFilterSize - stride, 0) : inputLength * stride;
  }
  const pad = padding === 'same' ? Math.floor(dilatedFilterSize / 2) : 0;
  return (inputLength - 1) * stride + dilatedFilterSize - 2 * pad + outputPadding;
}

/** The window arguments every 2D convolution has. */
export interface ConvWindowParams {
  kernel_size: [number, number];
  strides: [number, number];
  padding: Padding;
  dilation_rate: [number, number];
}

/**
 * Keras `BaseConv.__init__` checks on the window: positive sizes, and no strides > 1
 * together with dilation_rate > 1 (TensorFlow has no kernel for that combination).
 */
export function validateConvWindow(params: ConvWindowParams): LabError[] {
  const errors: LabError[] = [];
  requirePositive(errors, 'kernel_size', params.kernel_size, 'a tuple of 2 integers');
  requirePositive(errors, 'strides', params.strides, 'a tuple of 2 integers');
  requirePositive(errors, 'dilation_rate', params.dilation_rate, 'a tuple of 2 integers');
  if (params.strides.some((s) => s > 1) && params.dilation_rate.some((d) => d > 1)) {
    errors.push(
      badParam(
        'strides',
        `\`strides > 1\` not supported in conjunction with \`dilation_rate > 1\` (dilation_rate=${JSON.stringify(params.dilation_rate)}).`,
        params.strides,
      ),
    );
  }
  return errors;
}

/** Checks a `filters` argument as Keras does. */
export function validateFilters(filters: number): LabError[] {
  return filters > 0 ? [] : [badParam('filters', 'Invalid value for argument `filters`. Expected a strictly positive value.', filters)];
}

/** The 4D input of a convolution and its (known) channel count. */
export function convInput(inputs: readonly Shape[]): { shape: Shape; channels: number } {
  const shape = singleInput(inputs, 4, IMAGE_INPUT);
  return { shape, channels: requireKnownDim(shape, 3, 'channel dimension (last axis)') };
}

/** Output shape of a forward convolution window over a 4D input, checked for positive sizes. */
export function convOutputShape(shape: Shape, window: ConvWindowParams, channelsOut: Dim): Shape {
  const height = convOutputLength(shape[1] ?? null, window.kernel_size[0], window.padding, window.strides[0], window.dilation_rate[0]);
  const width = convOutputLength(shape[2] ?? null, window.kernel_size[1], window.padding, window.strides[1], window.dilation_rate[1]);
  return requirePositiveOutput(
    [shape[0] ?? null, height, width, channelsOut],
    shape,
    `kernel_size=${JSON.stringify(window.kernel_size)}, strides=${JSON.stringify(window.strides)}, dilation_rate=${JSON.stringify(window.dilation_rate)}, padding='${window.padding}'`,
  );
}
