import type { Shape } from '../graph/shape';
import type { AnyLayerSpec, ParamCount } from './types';

/**
 * Trainable and non-trainable parameter counts of a layer, as Keras's `summary()` reports
 * them, derived from the spec's weight list.
 *
 * @param spec the layer type
 * @param inputShapes the layer's input shapes (batch first)
 * @param params resolved params (see `resolveLayerParams`)
 * @param trainable false for a frozen layer: all its weights count as non-trainable
 * @throws LabError the shape errors of `spec.weights` when the inputs do not fit
 */
export function layerParamCount(spec: AnyLayerSpec, inputShapes: readonly Shape[], params: Record<string, unknown>, trainable: boolean): ParamCount {
  const count: ParamCount = { trainable: 0, nonTrainable: 0 };
  for (const weight of spec.weights(inputShapes, params)) {
    const size = weight.shape.reduce((product, dim) => product * dim, 1);
    if (trainable && weight.trainable) count.trainable += size;
    else count.nonTrainable += size;
  }
  return count;
}
