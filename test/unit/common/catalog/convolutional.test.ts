import { describe, expect, it } from 'vitest';
import { convOutputLength, deconvOutputLength, getLayerSpec } from '../../../../common/catalog';
import { checkShapeCase, paramErrorCodes, resolved, shapeErrorCode, type ShapeCase } from './layerCases';

// Figures: Keras's conv_output_length / deconv_output_length, and
// params = kh * kw * (cin / groups) * filters + filters (Keras conv_test.py rows included).
const conv2dCases: ShapeCase[] = [
  { params: { filters: 32, kernel_size: 3 }, inputs: [[null, 28, 28, 1]], output: [null, 26, 26, 32], trainable: 320 },
  { params: { filters: 64, kernel_size: 3, padding: 'same' }, inputs: [[null, 26, 26, 32]], output: [null, 26, 26, 64], trainable: 18496 },
  { params: { filters: 16, kernel_size: [5, 3], strides: 2 }, inputs: [[null, 32, 32, 3]], output: [null, 14, 15, 16], trainable: 736 },
  { params: { filters: 4, kernel_size: 3, strides: 2, padding: 'same' }, inputs: [[null, 7, 7, 8]], output: [null, 4, 4, 4], trainable: 292 },
  { params: { filters: 2, kernel_size: 3, dilation_rate: 2, use_bias: false }, inputs: [[null, 10, 10, 3]], output: [null, 6, 6, 2], trainable: 54 },
  { params: { filters: 8, kernel_size: 3, groups: 2 }, inputs: [[null, 8, 8, 4]], output: [null, 6, 6, 8], trainable: 152 },
  { params: { filters: 32, kernel_size: 3 }, inputs: [[8, 28, 28, 1]], output: [8, 26, 26, 32], trainable: 320 },
  { params: { filters: 32, kernel_size: 3 }, inputs: [[null, null, null, 3]], output: [null, null, null, 32], trainable: 896 },
  // keras/src/layers/convolutional/conv_test.py
  { params: { filters: 5, kernel_size: 2, strides: 1, padding: 'valid', dilation_rate: 1, groups: 1 }, inputs: [[3, 5, 5, 4]], output: [3, 4, 4, 5], trainable: 85 },
  { params: { filters: 6, kernel_size: 2, strides: 1, padding: 'same', dilation_rate: [2, 2], groups: 2 }, inputs: [[3, 4, 4, 4]], output: [3, 4, 4, 6], trainable: 54 },
  { params: { filters: 6, kernel_size: 2, strides: [2, 1], padding: 'valid', dilation_rate: [1, 1], groups: 2 }, inputs: [[3, 5, 5, 4]], output: [3, 2, 4, 6], trainable: 54 },
];

// params = kh * kw * cin * dm + (cin * dm) * filters + filters
const separableCases: ShapeCase[] = [
  { params: { filters: 64, kernel_size: 3 }, inputs: [[null, 32, 32, 16]], output: [null, 30, 30, 64], trainable: 1232 },
  { params: { filters: 10, kernel_size: 3, depth_multiplier: 2, strides: 2, padding: 'same' }, inputs: [[null, 15, 15, 8]], output: [null, 8, 8, 10], trainable: 314 },
  { params: { filters: 128, kernel_size: 3, padding: 'same', use_bias: false }, inputs: [[null, 74, 74, 64]], output: [null, 74, 74, 128], trainable: 8768 },
];

// params = kh * kw * cin * dm + cin * dm (MobileNet's conv_dw_1 without bias: 288)
const depthwiseCases: ShapeCase[] = [
  { params: { kernel_size: 3 }, inputs: [[null, 28, 28, 32]], output: [null, 26, 26, 32], trainable: 320 },
  { params: { kernel_size: 3, depth_multiplier: 2, strides: 2, padding: 'same' }, inputs: [[null, 28, 28, 3]], output: [null, 14, 14, 6], trainable: 60 },
  { params: { kernel_size: 3, padding: 'same', use_bias: false }, inputs: [[null, 112, 112, 32]], output: [null, 112, 112, 32], trainable: 288 },
];

// kernel [kh, kw, filters, cin]; params = kh * kw * filters * cin + filters
const transposeCases: ShapeCase[] = [
  { params: { filters: 16, kernel_size: 3, strides: 2, padding: 'same' }, inputs: [[null, 7, 7, 32]], output: [null, 14, 14, 16], trainable: 4624 },
  { params: { filters: 16, kernel_size: 3, strides: 2 }, inputs: [[null, 7, 7, 32]], output: [null, 15, 15, 16], trainable: 4624 },
  { params: { filters: 1, kernel_size: 3 }, inputs: [[null, 7, 7, 2]], output: [null, 9, 9, 1], trainable: 19 },
  { params: { filters: 16, kernel_size: 3, strides: 2, padding: 'same', output_padding: 1 }, inputs: [[null, 7, 7, 32]], output: [null, 14, 14, 16], trainable: 4624 },
  { params: { filters: 16, kernel_size: 3, strides: 2, output_padding: [1, 0] }, inputs: [[null, 7, 7, 32]], output: [null, 16, 15, 16], trainable: 4624 },
  // keras/src/layers/convolutional/conv_transpose_test.py
  { params: { filters: 5, kernel_size: 2, strides: 2, padding: 'valid' }, inputs: [[2, 8, 8, 4]], output: [2, 16, 16, 5], trainable: 85 },
  { params: { filters: 6, kernel_size: 2, strides: 3, padding: 'same', output_padding: 2 }, inputs: [[2, 8, 8, 4]], output: [2, 23, 23, 6], trainable: 102 },
];

describe('convolution length arithmetic', () => {
  it.each([
    [28, 3, 'valid', 1, 1, 26],
    [28, 3, 'same', 1, 1, 28],
    [28, 3, 'same', 2, 1, 14],
    [7, 3, 'same', 2, 1, 4],
    [32, 5, 'valid', 2, 1, 14],
    [10, 3, 'valid', 1, 2, 6],
    [10, 3, 'valid', 1, 3, 4],
  ] as const)('conv_output_length(%i, k=%i, %s, s=%i, d=%i) = %i', (length, kernel, padding, stride, dilation, expected) => {
    expect(convOutputLength(length, kernel, padding, stride, dilation)).toBe(expected);
  });

  it('keeps unknown lengths unknown', () => {
    expect(convOutputLength(null, 3, 'valid', 1)).toBeNull();
    expect(deconvOutputLength(null, 3, 'same', null, 2)).toBeNull();
  });

  it.each([
    [7, 3, 'same', null, 2, 1, 14],
    [7, 3, 'valid', null, 2, 1, 15],
    [7, 2, 'valid', null, 3, 1, 21],
    [7, 3, 'same', 1, 2, 1, 14],
    [8, 2, 'same', 2, 3, 1, 23],
    [5, 3, 'valid', null, 1, 2, 9],
  ] as const)('deconv_output_length(%i, k=%i, %s, op=%s, s=%i, d=%i) = %i', (length, kernel, padding, outputPadding, stride, dilation, expected) => {
    expect(deconvOutputLength(length, kernel, padding, outputPadding, stride, dilation)).toBe(expected);
  });
});

describe.each([
  ['Conv2D', conv2dCases],
  ['SeparableConv2D', separableCases],
  ['DepthwiseConv2D', depthwiseCases],
  ['Conv2DTranspose', transposeCases],
] as const)('%s shapes and parameter counts', (type, cases) => {
  it.each(cases)('$params on $inputs', (row) => checkShapeCase(type, row));
});

describe('convolution defaults and shorthands', () => {
  it('parses {} to the Keras defaults', () => {
    expect(resolved('Conv2D', {})).toEqual({
      filters: 32,
      kernel_size: [3, 3],
      strides: [1, 1],
      padding: 'valid',
      dilation_rate: [1, 1],
      groups: 1,
      activation: 'linear',
      use_bias: true,
      kernel_initializer: 'glorot_uniform',
      bias_initializer: 'zeros',
      kernel_regularizer: null,
    });
    const window = { kernel_size: [3, 3], strides: [1, 1], padding: 'valid', dilation_rate: [1, 1] };
    expect(resolved('DepthwiseConv2D', {})).toEqual({
      ...window,
      depth_multiplier: 1,
      activation: 'linear',
      use_bias: true,
      depthwise_initializer: 'glorot_uniform',
      bias_initializer: 'zeros',
      depthwise_regularizer: null,
    });
    expect(resolved('SeparableConv2D', {})).toEqual({
      filters: 32,
      ...window,
      depth_multiplier: 1,
      activation: 'linear',
      use_bias: true,
      depthwise_initializer: 'glorot_uniform',
      pointwise_initializer: 'glorot_uniform',
      bias_initializer: 'zeros',
      depthwise_regularizer: null,
      pointwise_regularizer: null,
    });
    expect(resolved('Conv2DTranspose', {})).toEqual({
      filters: 32,
      ...window,
      output_padding: null,
      activation: 'linear',
      use_bias: true,
      kernel_initializer: 'glorot_uniform',
      bias_initializer: 'zeros',
      kernel_regularizer: null,
    });
  });

  it('turns scalars into pairs and activation None into linear', () => {
    expect(resolved('Conv2D', { kernel_size: 5, strides: 2, dilation_rate: 1, activation: null })).toMatchObject({
      kernel_size: [5, 5],
      strides: [2, 2],
      dilation_rate: [1, 1],
      activation: 'linear',
    });
    expect(resolved('Conv2DTranspose', { strides: 2, output_padding: 1 })).toMatchObject({ strides: [2, 2], output_padding: [1, 1] });
  });
});

describe('convolution argument checks', () => {
  it.each([
    ['Conv2D', { filters: 0 }, 'filters'],
    ['Conv2D', { filters: -4 }, 'filters'],
    ['Conv2D', { kernel_size: [3, 0] }, 'kernel_size'],
    ['Conv2D', { strides: 0 }, 'strides'],
    ['Conv2D', { dilation_rate: [0, 1] }, 'dilation_rate'],
    ['Conv2D', { strides: 2, dilation_rate: 2 }, 'strides'],
    ['Conv2D', { filters: 32, groups: 3 }, 'groups'],
    ['Conv2D', { groups: 0 }, 'groups'],
    ['Conv2D', { padding: 'full' }, 'padding'],
    ['Conv2D', { activation: 'mystery' }, 'activation'],
    ['Conv2D', { kernel_initializer: 'he_wrong' }, 'kernel_initializer'],
    ['Conv2D', { filters: 2.5 }, 'filters'],
    ['SeparableConv2D', { depth_multiplier: 0 }, 'depth_multiplier'],
    ['SeparableConv2D', { strides: [2, 1], dilation_rate: [1, 2] }, 'strides'],
    ['DepthwiseConv2D', { depth_multiplier: -1 }, 'depth_multiplier'],
    ['DepthwiseConv2D', { strides: 2, dilation_rate: 2 }, 'strides'],
    ['Conv2DTranspose', { filters: 0 }, 'filters'],
    ['Conv2DTranspose', { strides: 2, output_padding: 2 }, 'output_padding'],
    ['Conv2DTranspose', { strides: 1, output_padding: [0, 1] }, 'output_padding'],
  ] as const)('%s rejects %j', (type, raw, field) => {
    expect(paramErrorCodes(type, raw)).toContainEqual({ code: 'LAYER_BAD_PARAM', field });
  });

  it('accepts what Keras accepts', () => {
    expect(paramErrorCodes('Conv2D', { filters: 6, groups: 3, strides: 2, dilation_rate: 1 })).toEqual([]);
    expect(paramErrorCodes('Conv2DTranspose', { strides: 3, output_padding: 2 })).toEqual([]);
  });

  it.each([
    ['Conv2D', { kernel_size: 5 }, [[null, 3, 3, 1]], 'SHAPE_INVALID_OUTPUT'],
    ['Conv2D', { kernel_size: 3, dilation_rate: 3 }, [[null, 6, 6, 1]], 'SHAPE_INVALID_OUTPUT'],
    ['Conv2D', {}, [[null, 784]], 'SHAPE_RANK'],
    ['Conv2D', {}, [[null, 28, 28]], 'SHAPE_RANK'],
    ['Conv2D', {}, [[null, 28, 28, null]], 'SHAPE_UNKNOWN'],
    ['Conv2D', { filters: 4, groups: 2 }, [[null, 8, 8, 3]], 'SHAPE_MISMATCH'],
    ['Conv2D', {}, [[null, 8, 8, 3], [null, 8, 8, 3]], 'SHAPE_MISMATCH'],
    ['SeparableConv2D', { kernel_size: 4 }, [[null, 3, 3, 2]], 'SHAPE_INVALID_OUTPUT'],
    ['DepthwiseConv2D', {}, [[null, 10, 3]], 'SHAPE_RANK'],
    ['Conv2DTranspose', {}, [[null, 7, 7, null]], 'SHAPE_UNKNOWN'],
  ] as const)('%s %j on %j throws %s', (type, raw, inputs, code) => {
    expect(shapeErrorCode(type, raw, inputs.map((s) => [...s]))).toBe(code);
  });
});

describe('convolution weights and Keras configs', () => {
  it('lists weights in Keras order with Keras shapes', () => {
    const weights = (type: string, raw: Record<string, unknown>, input: number[]) =>
      getLayerSpec(type).weights([[null, ...input]], resolved(type, raw)).map((w) => [w.name, w.shape]);
    expect(weights('Conv2D', { filters: 8, kernel_size: [5, 3] }, [9, 9, 3])).toEqual([['kernel', [5, 3, 3, 8]], ['bias', [8]]]);
    expect(weights('SeparableConv2D', { filters: 8, depth_multiplier: 2 }, [9, 9, 3])).toEqual([
      ['depthwise_kernel', [3, 3, 3, 2]],
      ['pointwise_kernel', [1, 1, 6, 8]],
      ['bias', [8]],
    ]);
    expect(weights('DepthwiseConv2D', { depth_multiplier: 2 }, [9, 9, 3])).toEqual([['depthwise_kernel', [3, 3, 3, 2]], ['bias', [6]]]);
    expect(weights('Conv2DTranspose', { filters: 8 }, [9, 9, 3])).toEqual([['kernel', [3, 3, 8, 3]], ['bias', [8]]]);
  });

  it('writes the tf.keras 2.x Conv2D config', () => {
    const params = resolved('Conv2D', { filters: 16, kernel_size: 3, activation: 'relu', kernel_initializer: 'he_normal', kernel_regularizer: { l2: 0.01 } });
    expect(getLayerSpec('Conv2D').kerasConfig(params)).toEqual({
      trainable: true,
      dtype: 'float32',
      filters: 16,
      kernel_size: [3, 3],
      strides: [1, 1],
      padding: 'valid',
      data_format: 'channels_last',
      dilation_rate: [1, 1],
      groups: 1,
      activation: 'relu',
      use_bias: true,
      kernel_initializer: { class_name: 'HeNormal', config: { seed: null } },
      bias_initializer: { class_name: 'Zeros', config: {} },
      kernel_regularizer: { class_name: 'L1L2', config: { l1: 0, l2: 0.01 } },
      bias_regularizer: null,
      activity_regularizer: null,
      kernel_constraint: null,
      bias_constraint: null,
    });
  });

  it('writes depthwise and transpose specifics', () => {
    const depthwise = getLayerSpec('DepthwiseConv2D').kerasConfig(resolved('DepthwiseConv2D', { depth_multiplier: 2 }));
    expect(depthwise).toMatchObject({ depth_multiplier: 2, depthwise_initializer: { class_name: 'GlorotUniform', config: { seed: null } } });
    expect(depthwise).not.toHaveProperty('filters');
    expect(depthwise).not.toHaveProperty('kernel_initializer');
    expect(getLayerSpec('Conv2DTranspose').kerasConfig(resolved('Conv2DTranspose', { strides: 2, output_padding: 1 }))).toMatchObject({ output_padding: [1, 1] });
  });
});
