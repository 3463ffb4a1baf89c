import { describe, expect, it } from 'vitest';
import { LAYER_CATALOG } from '../../../../common/catalog';
import { ONNX_LOWERINGS } from '../../../../main/formats/onnx/onnxLowerings';

describe('ONNX_LOWERINGS', () => {
  it('has one entry per catalog layer type, and none besides', () => {
    expect(Object.keys(ONNX_LOWERINGS).sort()).toEqual(LAYER_CATALOG.map((spec) => spec.type).sort());
  });

  it('lists the types without a lowering on purpose, each with its reason', () => {
    const withoutLowering = Object.entries(ONNX_LOWERINGS).filter(([, entry]) => 'none' in entry);
    expect(withoutLowering.map(([type]) => type)).toEqual(['Input']);
    for (const [, entry] of withoutLowering) expect('none' in entry && entry.none.length > 10).toBe(true);
  });
});
