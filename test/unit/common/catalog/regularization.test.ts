import { describe, expect, it } from 'vitest';
import { getLayerSpec } from '../../../../common/catalog';
import { checkShapeCase, paramErrorCodes, resolved, shapeErrorCode, type ShapeCase } from './layerCases';

describe.each(['Dropout', 'SpatialDropout2D'])('%s', (type) => {
  it.each<ShapeCase>([
    { params: { rate: 0.25 }, inputs: [[null, 12, 12, 64]], output: [null, 12, 12, 64], trainable: 0 },
    { params: { rate: 0 }, inputs: [[8, 4, 4, 2]], output: [8, 4, 4, 2], trainable: 0 },
  ])('$params on $inputs', (row) => checkShapeCase(type, row));

  it('parses {} and writes the tf.keras 2.x config', () => {
    const params = resolved(type, {});
    expect(params).toEqual({ rate: 0.5, seed: null });
    expect(getLayerSpec(type).kerasConfig(resolved(type, { rate: 0.3, seed: 7 }))).toEqual({
      trainable: true,
      dtype: 'float32',
      rate: 0.3,
      noise_shape: null,
      seed: 7,
    });
  });

  it.each([[{ rate: 1 }], [{ rate: -0.1 }], [{ rate: 1.5 }], [{ rate: '0.5' }]])('rejects %j', (raw) => {
    expect(paramErrorCodes(type, raw)).toEqual([{ code: 'LAYER_BAD_PARAM', field: 'rate' }]);
  });

  it('rejects a fractional seed', () => {
    expect(paramErrorCodes(type, { seed: 0.5 })).toEqual([{ code: 'LAYER_BAD_PARAM', field: 'seed' }]);
  });
});

describe('rank rules', () => {
  it('Dropout takes any rank, SpatialDropout2D only 4D', () => {
    expect(shapeErrorCode('Dropout', {}, [[null, 10]])).toBe('none');
    expect(shapeErrorCode('SpatialDropout2D', {}, [[null, 10]])).toBe('SHAPE_RANK');
  });
});
