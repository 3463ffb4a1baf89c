import { GraphBuilder } from '../../../../common/templates/builder';
import type { ModelGraph } from '../../../../common/graph/schema';

/**
 * A graph that exercises what the generators must get right beyond plain chains: names
 * that are not identifiers (a dash, a keyword, a leading digit), a frozen layer, an
 * initializer and a regularizer, a leaky_relu activation argument and layer, Subtract
 * with its inputs in a deliberate order, SpatialDropout2D, a tiny epsilon and a
 * Concatenate whose inputs come from different depths.
 */
export function specialLayersGraph(): ModelGraph {
  const b = new GraphBuilder('special layers');
  const image = b.input([8, 8, 3], 'image');
  const a = b.layer('Conv2D', { filters: 4, kernel_size: [3, 3], padding: 'same', activation: 'leaky_relu' }, image, 'conv-a');
  const c = b.layer('Conv2D', {
    filters: 4,
    kernel_size: [1, 1],
    kernel_initializer: 'he_normal',
    kernel_regularizer: { l1: 0, l2: 0.01 },
  }, image, 'class', { trainable: false });
  const difference = b.layer('Subtract', {}, [c, a], 'diff');
  const dropped = b.layer('SpatialDropout2D', { rate: 0.3 }, difference, 'drop');
  const activated = b.layer('Activation', { activation: 'leaky_relu' }, dropped, 'act');
  const normalized = b.layer('BatchNormalization', { epsilon: 1e-5 }, activated);
  const joined = b.layer('Concatenate', {}, [normalized, image]);
  const pooled = b.layer('GlobalAveragePooling2D', {}, joined);
  b.layer('Dense', { units: 3, activation: 'softmax' }, pooled, '1st output');
  return b.build();
}
