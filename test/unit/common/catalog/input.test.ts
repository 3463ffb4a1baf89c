import { describe, expect, it } from 'vitest';
import { getLayerSpec } from '../../../../common/catalog';
import { checkShapeCase, paramErrorCodes, resolved } from './layerCases';

describe('Input', () => {
  it('gives (batch, *shape) with the batch unknown unless set', () => {
    checkShapeCase('Input', { params: { shape: [28, 28, 1] }, inputs: [], output: [null, 28, 28, 1], trainable: 0 });
    checkShapeCase('Input', { params: { shape: [32, 32, 3], batch_size: 16 }, inputs: [], output: [16, 32, 32, 3], trainable: 0 });
    checkShapeCase('Input', { params: { shape: [null, null, 3] }, inputs: [], output: [null, null, null, 3], trainable: 0 });
    checkShapeCase('Input', { params: { shape: 784 }, inputs: [], output: [null, 784], trainable: 0 });
  });

  it('parses {} to a default sample shape', () => {
    expect(resolved('Input', {})).toEqual({ shape: [28, 28, 1], batch_size: null });
  });

  it('reads the Keras config spellings batch_input_shape and batch_shape', () => {
    expect(resolved('Input', { batch_input_shape: [null, 32, 32, 3], dtype: 'float32', sparse: false, ragged: false, name: 'input_1' })).toEqual({
      shape: [32, 32, 3],
      batch_size: null,
    });
    expect(resolved('Input', { batch_shape: [8, 10] })).toEqual({ shape: [10], batch_size: 8 });
  });

  it('writes the tf.keras 2.x InputLayer config', () => {
    const spec = getLayerSpec('Input');
    expect(spec.kerasClassName).toBe('InputLayer');
    expect(spec.arity).toEqual({ min: 0, max: 0 });
    expect(spec.kerasConfig(resolved('Input', { shape: [28, 28, 1] }))).toEqual({
      batch_input_shape: [null, 28, 28, 1],
      dtype: 'float32',
      sparse: false,
      ragged: false,
    });
  });

  it.each([
    [{ shape: [28, 0, 1] }, 'shape'],
    [{ shape: [] }, 'shape'],
    [{ shape: [2.5] }, 'shape'],
    [{ batch_size: 0 }, 'batch_size'],
  ] as const)('rejects %j', (raw, field) => {
    expect(paramErrorCodes('Input', raw)).toEqual([{ code: 'LAYER_BAD_PARAM', field }]);
  });
});

describe('Rescaling', () => {
  it('keeps the shape, defaults to bytes -> [0, 1] and writes scale and offset', () => {
    checkShapeCase('Rescaling', { params: { scale: 1 / 127.5, offset: -1 }, inputs: [[null, 224, 224, 3]], output: [null, 224, 224, 3], trainable: 0 });
    expect(resolved('Rescaling', {})).toEqual({ scale: 1 / 255, offset: 0 });
    expect(getLayerSpec('Rescaling').kerasConfig({ scale: 0.5, offset: 0 })).toEqual({ trainable: true, dtype: 'float32', scale: 0.5, offset: 0 });
    expect(paramErrorCodes('Rescaling', { scale: 'x' })).toEqual([{ code: 'LAYER_BAD_PARAM', field: 'scale' }]);
  });
});
