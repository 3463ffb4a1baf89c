import { describe, expect, it } from 'vitest';
import { getLayerSpec, layerParamCount } from '../../../../common/catalog';
import { checkShapeCase, paramErrorCodes, resolved, shapeErrorCode, type ShapeCase } from './layerCases';

describe('BatchNormalization', () => {
  // gamma and beta are trainable, moving_mean and moving_variance are not: 2C + 2C.
  it.each<ShapeCase>([
    { params: {}, inputs: [[null, 26, 26, 32]], output: [null, 26, 26, 32], trainable: 64, nonTrainable: 64 },
    { params: {}, inputs: [[null, 10]], output: [null, 10], trainable: 20, nonTrainable: 20 },
    { params: { center: false }, inputs: [[null, 8, 8, 32]], output: [null, 8, 8, 32], trainable: 32, nonTrainable: 64 },
    { params: { center: false, scale: false }, inputs: [[null, 8, 8, 32]], output: [null, 8, 8, 32], trainable: 0, nonTrainable: 64 },
    { params: { axis: 1 }, inputs: [[null, 10, 5]], output: [null, 10, 5], trainable: 20, nonTrainable: 20 },
    { params: { axis: 3, epsilon: 1.001e-5 }, inputs: [[null, 112, 112, 64]], output: [null, 112, 112, 64], trainable: 128, nonTrainable: 128 },
  ])('$params on $inputs', (row) => checkShapeCase('BatchNormalization', row));

  it('parses {} to the Keras defaults', () => {
    expect(resolved('BatchNormalization', {})).toEqual({
      axis: -1,
      momentum: 0.99,
      epsilon: 0.001,
      center: true,
      scale: true,
      beta_initializer: 'zeros',
      gamma_initializer: 'ones',
      moving_mean_initializer: 'zeros',
      moving_variance_initializer: 'ones',
    });
  });

  it('lists gamma, beta, moving_mean, moving_variance in Keras order', () => {
    const weights = getLayerSpec('BatchNormalization').weights([[null, 4, 4, 3]], resolved('BatchNormalization', {}));
    expect(weights.map((w) => [w.name, w.shape, w.trainable])).toEqual([
      ['gamma', [3], true],
      ['beta', [3], true],
      ['moving_mean', [3], false],
      ['moving_variance', [3], false],
    ]);
  });

  it('counts every weight as non-trainable when the layer is frozen', () => {
    const spec = getLayerSpec('BatchNormalization');
    expect(layerParamCount(spec, [[null, 8, 8, 32]], resolved('BatchNormalization', {}), false)).toEqual({ trainable: 0, nonTrainable: 128 });
  });

  it.each([
    [{ epsilon: 0 }, 'epsilon'],
    [{ momentum: 1.5 }, 'momentum'],
    [{ axis: 1.5 }, 'axis'],
    [{ center: 'yes' }, 'center'],
  ] as const)('rejects %j', (raw, field) => {
    expect(paramErrorCodes('BatchNormalization', raw)).toContainEqual({ code: 'LAYER_BAD_PARAM', field });
  });

  it.each([
    [{ axis: 4 }, [null, 8, 8, 3], 'SHAPE_RANK'],
    [{ axis: -5 }, [null, 8, 8, 3], 'SHAPE_RANK'],
    [{}, [null, 8, 8, null], 'SHAPE_UNKNOWN'],
  ] as const)('%j on %j throws %s', (raw, input, code) => {
    expect(shapeErrorCode('BatchNormalization', raw, [[...input]])).toBe(code);
  });

  it('writes the tf.keras 2.x config', () => {
    expect(getLayerSpec('BatchNormalization').kerasConfig(resolved('BatchNormalization', {}))).toEqual({
      trainable: true,
      dtype: 'float32',
      axis: -1,
      momentum: 0.99,
      epsilon: 0.001,
      center: true,
      scale: true,
      beta_initializer: { class_name: 'Zeros', config: {} },
      gamma_initializer: { class_name: 'Ones', config: {} },
      moving_mean_initializer: { class_name: 'Zeros', config: {} },
      moving_variance_initializer: { class_name: 'Ones', config: {} },
      beta_regularizer: null,
      gamma_regularizer: null,
      beta_constraint: null,
      gamma_constraint: null,
    });
  });
});

describe('LayerNormalization', () => {
  // gamma and beta have the input's size along the normalized axes.
  it.each<ShapeCase>([
    { params: {}, inputs: [[null, 10, 64]], output: [null, 10, 64], trainable: 128 },
    { params: { scale: false }, inputs: [[null, 64]], output: [null, 64], trainable: 64 },
    { params: { axis: [1, 2] }, inputs: [[null, 10, 64]], output: [null, 10, 64], trainable: 1280 },
    { params: { axis: [-3, -2, -1] }, inputs: [[null, 4, 4, 8]], output: [null, 4, 4, 8], trainable: 256 },
  ])('$params on $inputs', (row) => checkShapeCase('LayerNormalization', row));

  it('parses {} to the Keras defaults and lists gamma before beta', () => {
    const params = resolved('LayerNormalization', {});
    expect(params).toEqual({ axis: -1, epsilon: 0.001, center: true, scale: true, beta_initializer: 'zeros', gamma_initializer: 'ones' });
    expect(getLayerSpec('LayerNormalization').weights([[null, 5]], params).map((w) => w.name)).toEqual(['gamma', 'beta']);
  });

  it('checks epsilon and the axis against the input', () => {
    expect(paramErrorCodes('LayerNormalization', { epsilon: -1 })).toEqual([{ code: 'LAYER_BAD_PARAM', field: 'epsilon' }]);
    expect(shapeErrorCode('LayerNormalization', { axis: 2 }, [[null, 5]])).toBe('SHAPE_RANK');
    expect(shapeErrorCode('LayerNormalization', {}, [[null, 3, null]])).toBe('SHAPE_UNKNOWN');
  });
});
