import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, type Tfjs } from '../../../../main/engine/backend';
import { createTfjsLayer } from '../../../../main/engine/tfjsLayerFactory';
import { OWN_LAYER_BUILDERS } from '../../../../main/engine/layers/index';
import { INITIALIZERS, LAYER_CATALOG, TFJS_INITIALIZERS, resolveLayerParams } from '../../../../common/catalog';
import type { GraphNode } from '../../../../common/graph/schema';
import { LabError } from '../../../../common/errors';

let tf: Tfjs;

beforeAll(async () => {
  ({ tf } = await initBackend({ preference: 'cpu' }));
});

const LAYER_TYPES = LAYER_CATALOG.filter((spec) => spec.type !== 'Input');

function node(type: string, params: Record<string, unknown> = {}): GraphNode {
  return { id: 'n1', type, name: 'layer', params, trainable: true, position: { x: 0, y: 0 } };
}

describe('createTfjsLayer', () => {
  it.each(LAYER_TYPES.map((spec) => [spec.type, spec] as const))('%s is built by a stock tf.layers factory or by Model Lab\'s own class', (type, spec) => {
    const { params } = resolveLayerParams(spec, {});
    const factory = spec.tfjsConfig?.(params).factory ?? null;
    const stock = factory === null ? undefined : (tf.layers as unknown as Record<string, unknown>)[factory];
    if (factory !== null) expect(stock, `tf.layers.${factory}`).toBeTypeOf('function');
    expect(factory !== null || OWN_LAYER_BUILDERS[type] !== undefined, `${type} has neither a stock factory nor an own class`).toBe(true);
    const layer = createTfjsLayer(params, { tf, node: node(type), nextSeed: () => undefined });
    expect(layer.name).toBe('layer');
  });

  it('knows only catalog types among its own classes', () => {
    const types = new Set(LAYER_TYPES.map((spec) => spec.type));
    for (const type of Object.keys(OWN_LAYER_BUILDERS)) expect(types.has(type), type).toBe(true);
  });

  it.each([...INITIALIZERS])('builds the %s initializer with TF.js\'s factory of that name', (name) => {
    expect((tf.initializers as unknown as Record<string, unknown>)[TFJS_INITIALIZERS[name].factory]).toBeTypeOf('function');
  });

  it('refuses with LAYER_UNSUPPORTED a param value no TF.js layer computes, naming the field', () => {
    const spec = LAYER_CATALOG.find((entry) => entry.type === 'Conv2DTranspose');
    const { params } = resolveLayerParams(spec as NonNullable<typeof spec>, { filters: 2, kernel_size: 3, dilation_rate: 2 });
    let thrown: unknown;
    try {
      createTfjsLayer(params, { tf, node: node('Conv2DTranspose'), nextSeed: () => undefined });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(LabError);
    expect((thrown as LabError).code).toBe('LAYER_UNSUPPORTED');
    expect((thrown as LabError).details).toMatchObject({ field: 'dilation_rate', nodeName: 'layer' });
  });
});
