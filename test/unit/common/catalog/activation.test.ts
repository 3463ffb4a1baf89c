import { describe, expect, it } from 'vitest';
import { ACTIVATIONS, getLayerSpec } from '../../../../common/catalog';
import { checkShapeCase, paramErrorCodes, resolved, type ShapeCase } from './layerCases';

describe('Activation', () => {
  it.each(ACTIVATIONS)('accepts %s and keeps the shape', (name) => {
    checkShapeCase('Activation', { params: { activation: name }, inputs: [[null, 7, 7, 3]], output: [null, 7, 7, 3], trainable: 0 });
  });

  it('offers the Keras activations', () => {
    expect([...ACTIVATIONS].sort()).toEqual(['elu', 'gelu', 'leaky_relu', 'linear', 'relu', 'relu6', 'selu', 'sigmoid', 'softmax', 'swish', 'tanh']);
  });

  it('defaults to relu, maps None to linear and rejects unknown names', () => {
    expect(resolved('Activation', {})).toEqual({ activation: 'relu' });
    expect(resolved('Activation', { activation: null })).toEqual({ activation: 'linear' });
    expect(paramErrorCodes('Activation', { activation: 'sofmax' })).toEqual([{ code: 'LAYER_BAD_PARAM', field: 'activation' }]);
    expect(getLayerSpec('Activation').kerasConfig(resolved('Activation', { activation: 'tanh' }))).toEqual({ trainable: true, dtype: 'float32', activation: 'tanh' });
  });
});

describe('ReLU', () => {
  it('parses {} to the Keras defaults and writes them', () => {
    const params = resolved('ReLU', {});
    expect(params).toEqual({ max_value: null, negative_slope: 0, threshold: 0 });
    expect(getLayerSpec('ReLU').kerasConfig(resolved('ReLU', { max_value: 6 }))).toEqual({
      trainable: true,
      dtype: 'float32',
      max_value: 6,
      negative_slope: 0,
      threshold: 0,
    });
  });

  it.each([
    [{ max_value: -1 }, 'max_value'],
    [{ negative_slope: -0.1 }, 'negative_slope'],
    [{ threshold: -1 }, 'threshold'],
  ] as const)('rejects %j', (raw, field) => {
    expect(paramErrorCodes('ReLU', raw)).toEqual([{ code: 'LAYER_BAD_PARAM', field }]);
  });

  it('keeps the shape', () => {
    checkShapeCase('ReLU', { params: { max_value: 6 }, inputs: [[null, 112, 112, 32]], output: [null, 112, 112, 32], trainable: 0 });
  });
});

describe('LeakyReLU', () => {
  it('defaults to 0.3 and reads the tf.keras 2.x alpha', () => {
    expect(resolved('LeakyReLU', {})).toEqual({ negative_slope: 0.3 });
    expect(resolved('LeakyReLU', { alpha: 0.1 })).toEqual({ negative_slope: 0.1 });
    expect(resolved('LeakyReLU', { alpha: 0.1, negative_slope: 0.2 })).toEqual({ negative_slope: 0.2 });
  });

  it('writes alpha, as tf.keras 2.x does', () => {
    expect(getLayerSpec('LeakyReLU').kerasConfig(resolved('LeakyReLU', { negative_slope: 0.2 }))).toEqual({ trainable: true, dtype: 'float32', alpha: 0.2 });
  });

  it('rejects a negative slope', () => {
    expect(paramErrorCodes('LeakyReLU', { negative_slope: -1 })).toEqual([{ code: 'LAYER_BAD_PARAM', field: 'negative_slope' }]);
  });
});

describe('PReLU', () => {
  // alpha has the per-sample input shape, with shared axes reduced to 1.
  it.each<ShapeCase>([
    { params: {}, inputs: [[null, 28, 28, 32]], output: [null, 28, 28, 32], trainable: 25088 },
    { params: { shared_axes: [1, 2] }, inputs: [[null, 28, 28, 32]], output: [null, 28, 28, 32], trainable: 32 },
    { params: { shared_axes: [1, 2] }, inputs: [[null, null, null, 16]], output: [null, null, null, 16], trainable: 16 },
    { params: {}, inputs: [[null, 10]], output: [null, 10], trainable: 10 },
  ])('$params on $inputs', (row) => checkShapeCase('PReLU', row));

  it('parses {} and shorthands, and names the weight alpha', () => {
    expect(resolved('PReLU', {})).toEqual({ alpha_initializer: 'zeros', alpha_regularizer: null, shared_axes: null });
    expect(resolved('PReLU', { shared_axes: 1 })).toMatchObject({ shared_axes: [1] });
    const weights = getLayerSpec('PReLU').weights([[null, 4, 4, 2]], resolved('PReLU', { shared_axes: [1, 2] }));
    expect(weights).toEqual([{ name: 'alpha', shape: [1, 1, 2], trainable: true }]);
  });

  it('rejects the batch axis and axes beyond the input', () => {
    expect(paramErrorCodes('PReLU', { shared_axes: [0] })).toEqual([{ code: 'LAYER_BAD_PARAM', field: 'shared_axes' }]);
    const spec = getLayerSpec('PReLU');
    expect(() => spec.outputShape([[null, 4, 4, 2]], resolved('PReLU', { shared_axes: [4] }))).toThrow(expect.objectContaining({ code: 'SHAPE_RANK' }));
    expect(() => spec.outputShape([[null, null, 2]], resolved('PReLU', {}))).toThrow(expect.objectContaining({ code: 'SHAPE_UNKNOWN' }));
  });
});
