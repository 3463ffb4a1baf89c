import type { GraphBuilder, TensorRef } from './builder';
import type { PoolingMode } from './types';

/** Layer names a Keras Application gives its `pooling` layers; unnamed ones get Keras's automatic name. */
export interface PoolingNames {
  avg?: string;
  max?: string;
}

/**
 * The `include_top=False` ending of every Keras Application: `pooling='avg'` adds
 * GlobalAveragePooling2D, `'max'` GlobalMaxPooling2D, and `None` leaves the 4D feature map
 * as the output.
 */
export function applicationPooling(b: GraphBuilder, x: TensorRef, pooling: PoolingMode | null, names: PoolingNames = {}): TensorRef {
  if (pooling === 'avg') return b.layer('GlobalAveragePooling2D', {}, x, names.avg);
  if (pooling === 'max') return b.layer('GlobalMaxPooling2D', {}, x, names.max);
  return x;
}
