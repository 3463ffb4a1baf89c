import { describe, expect, it } from 'vitest';
import { getLayerSpec } from '../../../../common/catalog';
import { checkShapeCase, paramErrorCodes, resolved, shapeErrorCode, type ShapeCase } from './layerCases';

// Figures: Keras's compute_pooling_output_shape: valid floor((L - pool) / s) + 1, same ceil(L / s).
const poolingCases: ShapeCase[] = [
  { params: {}, inputs: [[null, 26, 26, 32]], output: [null, 13, 13, 32], trainable: 0 },
  { params: {}, inputs: [[null, 5, 5, 1]], output: [null, 2, 2, 1], trainable: 0 },
  { params: { pool_size: 3, strides: 2 }, inputs: [[null, 7, 7, 8]], output: [null, 3, 3, 8], trainable: 0 },
  { params: { pool_size: 3, strides: 2, padding: 'same' }, inputs: [[null, 7, 7, 8]], output: [null, 4, 4, 8], trainable: 0 },
  { params: { pool_size: 2, strides: 1 }, inputs: [[null, 4, 4, 2]], output: [null, 3, 3, 2], trainable: 0 },
  { params: { pool_size: [2, 3] }, inputs: [[null, 8, 9, 2]], output: [null, 4, 3, 2], trainable: 0 },
  { params: { pool_size: 3, strides: 2, padding: 'same' }, inputs: [[null, 112, 112, 64]], output: [null, 56, 56, 64], trainable: 0 },
  { params: {}, inputs: [[null, null, null, 3]], output: [null, null, null, 3], trainable: 0 },
  // keras/src/layers/pooling/max_pooling_test.py
  { params: { pool_size: [2, 2], strides: [1, 1], padding: 'same' }, inputs: [[3, 5, 6, 4]], output: [3, 5, 6, 4], trainable: 0 },
  { params: { pool_size: [2, 2], strides: [2, 2], padding: 'valid' }, inputs: [[3, 5, 6, 4]], output: [3, 2, 3, 4], trainable: 0 },
];

describe.each(['MaxPooling2D', 'AveragePooling2D'])('%s', (type) => {
  it.each(poolingCases)('$params on $inputs', (row) => checkShapeCase(type, row));

  it('parses {} to the Keras defaults and writes resolved strides', () => {
    const params = resolved(type, {});
    expect(params).toEqual({ pool_size: [2, 2], strides: null, padding: 'valid' });
    expect(getLayerSpec(type).kerasConfig(params)).toEqual({
      trainable: true,
      dtype: 'float32',
      pool_size: [2, 2],
      padding: 'valid',
      strides: [2, 2],
      data_format: 'channels_last',
    });
  });

  it('turns scalars into pairs', () => {
    expect(resolved(type, { pool_size: 3, strides: 1 })).toMatchObject({ pool_size: [3, 3], strides: [1, 1] });
  });

  it.each([
    [{ pool_size: 0 }, 'pool_size'],
    [{ pool_size: [2, -1] }, 'pool_size'],
    [{ strides: 0 }, 'strides'],
    [{ padding: 'causal' }, 'padding'],
  ] as const)('rejects %j', (raw, field) => {
    expect(paramErrorCodes(type, raw)).toContainEqual({ code: 'LAYER_BAD_PARAM', field });
  });

  it.each([
    [{ pool_size: 3 }, [[null, 2, 2, 1]], 'SHAPE_INVALID_OUTPUT'],
    [{}, [[null, 10, 4]], 'SHAPE_RANK'],
  ] as const)('%j on %j throws %s', (raw, inputs, code) => {
    expect(shapeErrorCode(type, raw, inputs.map((s) => [...s]))).toBe(code);
  });
});

describe.each(['GlobalAveragePooling2D', 'GlobalMaxPooling2D'])('%s', (type) => {
  it.each<ShapeCase>([
    { params: {}, inputs: [[null, 7, 7, 512]], output: [null, 512], trainable: 0 },
    { params: { keepdims: true }, inputs: [[null, 7, 7, 512]], output: [null, 1, 1, 512], trainable: 0 },
    { params: {}, inputs: [[4, null, null, 3]], output: [4, 3], trainable: 0 },
  ])('$params on $inputs', (row) => checkShapeCase(type, row));

  it('defaults keepdims to false and writes it', () => {
    const params = resolved(type, {});
    expect(params).toEqual({ keepdims: false });
    expect(getLayerSpec(type).kerasConfig(params)).toMatchObject({ data_format: 'channels_last', keepdims: false });
  });

  it('needs a 4D input', () => {
    expect(shapeErrorCode(type, {}, [[null, 10]])).toBe('SHAPE_RANK');
  });
});
