import { describe, expect, it } from 'vitest';
import { getLayerSpec } from '../../../../common/catalog';
import { describeParamFields, formatParamValue, parseNumberList, validateFieldValue } from '../../../../renderer/layers/paramFields';

describe('describeParamFields', () => {
  it('reads Conv2D arguments from its zod schema: kinds, defaults, descriptions', () => {
    const fields = new Map(describeParamFields(getLayerSpec('Conv2D').params).map((field) => [field.name, field]));
    expect(fields.get('filters')).toMatchObject({ kind: 'integer' });
    expect(fields.get('kernel_size')).toMatchObject({ kind: 'tuple', items: ['integer', 'integer'] });
    expect(fields.get('padding')).toMatchObject({ kind: 'enum', options: ['valid', 'same'], defaultValue: 'valid' });
    expect(fields.get('use_bias')).toMatchObject({ kind: 'boolean', defaultValue: true });
    expect(fields.get('kernel_initializer')).toMatchObject({ kind: 'enum', defaultValue: 'glorot_uniform' });
    const regularizer = fields.get('kernel_regularizer');
    expect(regularizer).toMatchObject({ kind: 'object', nullable: true, defaultValue: null });
    expect(regularizer?.fields.map((field) => field.name)).toEqual(['l1', 'l2']);
    for (const field of fields.values()) expect(field.description.length).toBeGreaterThan(0);
  });

  it('treats Input shape as a number list and validates against the schema', () => {
    const shape = describeParamFields(getLayerSpec('Input').params).find((field) => field.name === 'shape');
    expect(shape?.kind).toBe('list');
    expect(validateFieldValue(shape!, [28, 28, 1])).toBeNull();
    expect(validateFieldValue(shape!, [28.5])).not.toBeNull();
  });

  it('parses and formats values the way the inspector and nodes show them', () => {
    expect(parseNumberList('None, 28, 3')).toEqual([null, 28, 3]);
    expect(parseNumberList('28, x')).toBeNull();
    expect(formatParamValue([3, 3])).toBe('3×3');
    expect(formatParamValue(null)).toBe('None');
    expect(formatParamValue(0.30000000000000004)).toBe('0.3');
  });
});
