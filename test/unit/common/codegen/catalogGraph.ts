import { ACTIVATIONS, LAYER_CATALOG } from '../../../../common/catalog';
import type { ModelGraph } from '../../../../common/graph/schema';
import { GraphBuilder, type TensorRef } from '../../../../common/templates/builder';

/** Layers fed a flat (batch, features) tensor instead of an image. */
const FLAT_INPUT = new Set(['Dense', 'Reshape']);
/** Explicit params where the catalog's palette defaults do not fit an 8x8x4 image. */
const PARAMS: Record<string, Record<string, unknown>> = {
  // Fully known: TF.js leaves a -1 dimension unknown in symbolic shapes where Keras infers it.
  Reshape: { target_shape: [4, 64] },
  Cropping2D: { cropping: [[1, 1], [2, 0]] },
  Conv2DTranspose: { filters: 3, kernel_size: [3, 3], strides: [2, 2] },
  Dropout: { rate: 0.25 },
};

/**
 * One graph with every catalog layer type (each with non-default arguments where it has
 * them) and every activation, so the generators are checked against the whole catalog.
 * Returns the graph and the types it covers.
 */
export function everyLayerTypeGraph(): { graph: ModelGraph; types: Set<string> } {
  const b = new GraphBuilder('every_layer_type');
  const types = new Set<string>(['Input']);
  const image = b.input([8, 8, 4], 'image');
  const flat = b.layer('Flatten', {}, image, 'flat');
  types.add('Flatten');
  const left = b.layer('Conv2D', { filters: 4, kernel_size: [3, 3], padding: 'same' }, image, 'left');
  const right = b.layer('Conv2D', { filters: 4, kernel_size: [1, 1], use_bias: false }, image, 'right');
  types.add('Conv2D');
  for (const spec of LAYER_CATALOG) {
    if (types.has(spec.type)) continue;
    types.add(spec.type);
    const inputs: TensorRef | TensorRef[] = spec.arity.max > 1 ? [right, left] : FLAT_INPUT.has(spec.type) ? flat : image;
    b.layer(spec.type, PARAMS[spec.type] ?? {}, inputs, `every_${spec.type}`);
  }
  for (const activation of ACTIVATIONS) {
    b.layer('Dense', { units: 2, activation }, flat, `dense_${activation}`);
    b.layer('Activation', { activation }, left, `activation_${activation}`);
  }
  return { graph: b.build(), types };
}
