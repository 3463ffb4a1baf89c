import { describe, expect, it } from 'vitest';
import { getLayerSpec } from '../../../../common/catalog';
import type { Shape } from '../../../../common/graph/shape';
import { checkShapeCase, resolved, shapeErrorCode, type ShapeCase } from './layerCases';

const ELEMENTWISE = ['Add', 'Subtract', 'Multiply', 'Average', 'Maximum'] as const;

// Keras _Merge: per-sample shapes broadcast (equal, or 1 / None on an axis; the shorter
// shape aligns to the right); the batch size is shared or None.
const elementwiseCases: ShapeCase[] = [
  { params: {}, inputs: [[null, 8, 8, 16], [null, 8, 8, 16]], output: [null, 8, 8, 16], trainable: 0 },
  { params: {}, inputs: [[null, 8, 8, 16], [null, 1, 1, 16]], output: [null, 8, 8, 16], trainable: 0 },
  { params: {}, inputs: [[null, 4, 5], [null, 5]], output: [null, 4, 5], trainable: 0 },
  { params: {}, inputs: [[null, null, 5], [null, 3, 5]], output: [null, null, 5], trainable: 0 },
  { params: {}, inputs: [[4, 10], [null, 10]], output: [4, 10], trainable: 0 },
];

describe.each(ELEMENTWISE)('%s', (type) => {
  it.each(elementwiseCases)('$inputs', (row) => checkShapeCase(type, row));

  it.each<[Shape[], string]>([
    [[[null, 16], [null, 8]], 'SHAPE_MISMATCH'],
    [[[null, 8, 8, 16], [null, 4, 4, 16]], 'SHAPE_MISMATCH'],
    [[[4, 10], [8, 10]], 'SHAPE_MISMATCH'],
    [[[null, 10]], 'SHAPE_MISMATCH'],
  ])('%j throws %s', (inputs, code) => {
    expect(shapeErrorCode(type, {}, inputs)).toBe(code);
  });

  it('takes no arguments and writes the base config', () => {
    expect(resolved(type, {})).toEqual({});
    expect(getLayerSpec(type).kerasConfig({})).toEqual({ trainable: true, dtype: 'float32' });
  });
});

describe('merge arity', () => {
  it('lets Add take many inputs and Subtract exactly two', () => {
    expect(getLayerSpec('Add').arity).toEqual({ min: 2, max: Infinity });
    expect(getLayerSpec('Subtract').arity).toEqual({ min: 2, max: 2 });
    const three: Shape[] = [[null, 4], [null, 4], [null, 4]];
    expect(shapeErrorCode('Add', {}, three)).toBe('none');
    expect(shapeErrorCode('Subtract', {}, three)).toBe('SHAPE_MISMATCH');
  });
});

describe('Concatenate', () => {
  it.each<ShapeCase>([
    { params: {}, inputs: [[null, 8, 8, 16], [null, 8, 8, 32]], output: [null, 8, 8, 48], trainable: 0 },
    { params: {}, inputs: [[null, 28, 28, 64], [null, 28, 28, 128], [null, 28, 28, 32], [null, 28, 28, 32]], output: [null, 28, 28, 256], trainable: 0 },
    { params: { axis: 1 }, inputs: [[null, 4, 8, 3], [null, 6, 8, 3]], output: [null, 10, 8, 3], trainable: 0 },
    { params: { axis: -1 }, inputs: [[null, 5], [null, null]], output: [null, null], trainable: 0 },
    { params: {}, inputs: [[null, null, 8, 2], [null, 4, 8, 3]], output: [null, null, 8, 5], trainable: 0 },
  ])('$params on $inputs', (row) => checkShapeCase('Concatenate', row));

  it.each<[Record<string, unknown>, Shape[], string]>([
    [{}, [[null, 8, 8, 16], [null, 4, 4, 16]], 'SHAPE_MISMATCH'],
    [{}, [[null, 8, 8, 16], [null, 8, 16]], 'SHAPE_RANK'],
    [{ axis: 3 }, [[null, 8], [null, 8]], 'SHAPE_RANK'],
    [{}, [[null, 8]], 'SHAPE_MISMATCH'],
  ])('%j on %j throws %s', (raw, inputs, code) => {
    expect(shapeErrorCode('Concatenate', raw, inputs)).toBe(code);
  });

  it('defaults to the last axis and writes it', () => {
    expect(resolved('Concatenate', {})).toEqual({ axis: -1 });
    expect(getLayerSpec('Concatenate').kerasConfig({ axis: -1 })).toEqual({ trainable: true, dtype: 'float32', axis: -1 });
  });
});
