import { describe, expect, it } from 'vitest';
import { getLayerSpec } from '../../../../common/catalog';
import { checkShapeCase, paramErrorCodes, resolved, shapeErrorCode, type ShapeCase } from './layerCases';

describe('Dense', () => {
  // params = in * units + units; Keras applies Dense to the last axis of any rank >= 2.
  it.each<ShapeCase>([
    { params: { units: 64 }, inputs: [[null, 784]], output: [null, 64], trainable: 50240 },
    { params: { units: 10, activation: 'softmax' }, inputs: [[null, 128]], output: [null, 10], trainable: 1290 },
    { params: { units: 10, use_bias: false }, inputs: [[null, 784]], output: [null, 10], trainable: 7840 },
    { params: { units: 5 }, inputs: [[null, 10, 20]], output: [null, 10, 5], trainable: 105 },
    { params: { units: 10 }, inputs: [[null, 7, 7, 32]], output: [null, 7, 7, 10], trainable: 330 },
    { params: { units: 1000 }, inputs: [[32, 2048]], output: [32, 1000], trainable: 2049000 },
  ])('$params on $inputs', (row) => checkShapeCase('Dense', row));

  it('parses {} to the Keras defaults', () => {
    expect(resolved('Dense', {})).toEqual({
      units: 64,
      activation: 'linear',
      use_bias: true,
      kernel_initializer: 'glorot_uniform',
      bias_initializer: 'zeros',
      kernel_regularizer: null,
    });
  });

  it.each([
    [{ units: 0 }, 'units'],
    [{ units: 1.5 }, 'units'],
    [{ activation: 'relu7' }, 'activation'],
    [{ kernel_regularizer: { l2: -1 } }, 'kernel_regularizer'],
  ] as const)('rejects %j', (raw, field) => {
    expect(paramErrorCodes('Dense', raw)).toContainEqual({ code: 'LAYER_BAD_PARAM', field });
  });

  it.each([
    [[[null]], 'SHAPE_RANK'],
    [[[null, null]], 'SHAPE_UNKNOWN'],
  ] as const)('input %j throws %s', (inputs, code) => {
    expect(shapeErrorCode('Dense', {}, inputs.map((s) => [...s]))).toBe(code);
  });

  it('writes the tf.keras 2.x config and Keras weight shapes', () => {
    const spec = getLayerSpec('Dense');
    const params = resolved('Dense', { units: 3, activation: 'relu' });
    expect(spec.weights([[null, 4]], params)).toEqual([
      { name: 'kernel', shape: [4, 3], trainable: true },
      { name: 'bias', shape: [3], trainable: true },
    ]);
    expect(spec.kerasConfig(params)).toEqual({
      trainable: true,
      dtype: 'float32',
      units: 3,
      activation: 'relu',
      use_bias: true,
      kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } },
      bias_initializer: { class_name: 'Zeros', config: {} },
      kernel_regularizer: null,
      bias_regularizer: null,
      activity_regularizer: null,
      kernel_constraint: null,
      bias_constraint: null,
    });
  });
});

describe('Flatten', () => {
  it.each<ShapeCase>([
    { params: {}, inputs: [[null, 5, 5, 16]], output: [null, 400], trainable: 0 },
    { params: {}, inputs: [[null, 28, 28, 1]], output: [null, 784], trainable: 0 },
    { params: {}, inputs: [[null, null, 5]], output: [null, null], trainable: 0 },
    { params: {}, inputs: [[16, 10]], output: [16, 10], trainable: 0 },
    { params: {}, inputs: [[null]], output: [null, 1], trainable: 0 },
  ])('$inputs', (row) => checkShapeCase('Flatten', row));

  it('rejects unknown arguments', () => {
    expect(paramErrorCodes('Flatten', { units: 3 })).toEqual([{ code: 'LAYER_BAD_PARAM', field: 'units' }]);
  });
});

describe('Reshape', () => {
  it.each<ShapeCase>([
    { params: { target_shape: [28, 28, 1] }, inputs: [[null, 784]], output: [null, 28, 28, 1], trainable: 0 },
    { params: { target_shape: [-1, 8] }, inputs: [[null, 4, 4, 8]], output: [null, 16, 8], trainable: 0 },
    { params: { target_shape: [2, -1, 3] }, inputs: [[null, 12, 2]], output: [null, 2, 4, 3], trainable: 0 },
    { params: { target_shape: [-1, 2] }, inputs: [[null, null, 4]], output: [null, null, 2], trainable: 0 },
    { params: { target_shape: 12 }, inputs: [[null, 3, 4]], output: [null, 12], trainable: 0 },
    { params: {}, inputs: [[null, 3, 4]], output: [null, 12], trainable: 0 },
  ])('$params on $inputs', (row) => checkShapeCase('Reshape', row));

  it.each([
    [{ target_shape: [-1, -1] }],
    [{ target_shape: [0, 4] }],
    [{ target_shape: [-2, 4] }],
  ])('rejects %j', (raw) => {
    expect(paramErrorCodes('Reshape', raw)).toContainEqual({ code: 'LAYER_BAD_PARAM', field: 'target_shape' });
  });

  it.each([
    [{ target_shape: [3, 3] }, [null, 10]],
    [{ target_shape: [-1, 3] }, [null, 10]],
  ] as const)('%j on %j throws SHAPE_MISMATCH', (raw, input) => {
    expect(shapeErrorCode('Reshape', raw, [[...input]])).toBe('SHAPE_MISMATCH');
  });
});

describe('ZeroPadding2D', () => {
  it.each<ShapeCase>([
    { params: {}, inputs: [[null, 28, 28, 3]], output: [null, 30, 30, 3], trainable: 0 },
    { params: { padding: 3 }, inputs: [[null, 224, 224, 3]], output: [null, 230, 230, 3], trainable: 0 },
    { params: { padding: [[1, 2], [3, 4]] }, inputs: [[null, 10, 10, 1]], output: [null, 13, 17, 1], trainable: 0 },
    { params: { padding: [0, 2] }, inputs: [[null, null, 10, 1]], output: [null, null, 14, 1], trainable: 0 },
  ])('$params on $inputs', (row) => checkShapeCase('ZeroPadding2D', row));

  it('expands Keras shorthands', () => {
    expect(resolved('ZeroPadding2D', {})).toEqual({ padding: [[1, 1], [1, 1]] });
    expect(resolved('ZeroPadding2D', { padding: 2 })).toEqual({ padding: [[2, 2], [2, 2]] });
    expect(resolved('ZeroPadding2D', { padding: [1, 2] })).toEqual({ padding: [[1, 1], [2, 2]] });
  });

  it('rejects negative padding and non-4D inputs', () => {
    expect(paramErrorCodes('ZeroPadding2D', { padding: -1 })).toEqual([{ code: 'LAYER_BAD_PARAM', field: 'padding' }]);
    expect(shapeErrorCode('ZeroPadding2D', {}, [[null, 10, 3]])).toBe('SHAPE_RANK');
  });
});

describe('Cropping2D', () => {
  it.each<ShapeCase>([
    { params: { cropping: [[2, 2], [4, 4]] }, inputs: [[null, 28, 28, 3]], output: [null, 24, 20, 3], trainable: 0 },
    { params: { cropping: 1 }, inputs: [[null, 5, 6, 2]], output: [null, 3, 4, 2], trainable: 0 },
    { params: {}, inputs: [[null, 5, 6, 2]], output: [null, 5, 6, 2], trainable: 0 },
  ])('$params on $inputs', (row) => checkShapeCase('Cropping2D', row));

  it('crops nothing by default and expands shorthands', () => {
    expect(resolved('Cropping2D', {})).toEqual({ cropping: [[0, 0], [0, 0]] });
    expect(resolved('Cropping2D', { cropping: [1, 2] })).toEqual({ cropping: [[1, 1], [2, 2]] });
    expect(getLayerSpec('Cropping2D').kerasConfig(resolved('Cropping2D', { cropping: 1 }))).toMatchObject({ cropping: [[1, 1], [1, 1]], data_format: 'channels_last' });
  });

  it('rejects negative cropping and cropping everything', () => {
    expect(paramErrorCodes('Cropping2D', { cropping: [[0, -1], [0, 0]] })).toEqual([{ code: 'LAYER_BAD_PARAM', field: 'cropping' }]);
    expect(shapeErrorCode('Cropping2D', { cropping: [[2, 2], [0, 0]] }, [[null, 4, 8, 1]])).toBe('SHAPE_INVALID_OUTPUT');
  });
});

describe('UpSampling2D', () => {
  it.each<ShapeCase>([
    { params: {}, inputs: [[null, 7, 7, 4]], output: [null, 14, 14, 4], trainable: 0 },
    { params: { size: [2, 3] }, inputs: [[null, 7, 7, 4]], output: [null, 14, 21, 4], trainable: 0 },
    { params: { size: 4, interpolation: 'bilinear' }, inputs: [[null, null, 5, 1]], output: [null, null, 20, 1], trainable: 0 },
  ])('$params on $inputs', (row) => checkShapeCase('UpSampling2D', row));

  it('defaults, checks and config', () => {
    expect(resolved('UpSampling2D', {})).toEqual({ size: [2, 2], interpolation: 'nearest' });
    expect(paramErrorCodes('UpSampling2D', { size: 0 })).toEqual([{ code: 'LAYER_BAD_PARAM', field: 'size' }]);
    expect(paramErrorCodes('UpSampling2D', { interpolation: 'cubic' })).toEqual([{ code: 'LAYER_BAD_PARAM', field: 'interpolation' }]);
    expect(getLayerSpec('UpSampling2D').kerasConfig(resolved('UpSampling2D', {}))).toMatchObject({ size: [2, 2], data_format: 'channels_last', interpolation: 'nearest' });
  });
});
