import { LabError } from '../errors';
import type { AnyLayerSpec, LayerSpec } from './types';
import { input, rescaling } from './input';
import { conv2d, conv2dTranspose, depthwiseConv2d, separableConv2d } from './convolutional';
import { averagePooling2d, globalAveragePooling2d, globalMaxPooling2d, maxPooling2d } from './pooling';
import { cropping2d, dense, flatten, reshape, upSampling2d, zeroPadding2d } from './core';
import { batchNormalization, layerNormalization } from './normalization';
import { dropout, spatialDropout2d } from './regularization';
import { activation, leakyRelu, prelu, relu } from './activation';
import { add, average, concatenate, maximum, multiply, subtract } from './merge';

/**
 * The layer catalog: every layer type Model Lab knows, defined once. The list is explicit
 * (no self-registration) so the palette order is visible here and a missing import fails
 * the build instead of silently dropping a layer.
 */

export * from './types';
export { ACTIVATIONS, INITIALIZERS, type ActivationName, type InitializerName, type RegularizerParams } from './paramSchemas';
export { autoLayerName, defaultLayerName } from './layerNames';
export { layerParamCount } from './paramCount';
export { resolveLayerParams } from './resolveParams';
export { convOutputLength, deconvOutputLength } from './convolutionUtils';
export { ELEMENTWISE_MERGES } from './merge';
export {
  TFJS_INITIALIZERS,
  camelCase,
  isTaggedArgument,
  type TfjsArgument,
  type TfjsInitializerSpec,
  type TfjsLayerConfig,
  type TfjsLimit,
  type TfjsTaggedArgument,
  type TfjsValue,
} from './tfjsConfig';

/**
 * Erases a spec's params type for storage in the catalog. Safe because the catalog only
 * ever calls a spec's functions with params produced by that same spec's schema
 * (`resolveLayerParams`).
 */
function erase<P extends Record<string, unknown>>(spec: LayerSpec<P>): AnyLayerSpec {
  return spec as unknown as AnyLayerSpec;
}

/** Every layer type, in palette order (grouped by family as `LAYER_FAMILIES` orders them). */
export const LAYER_CATALOG: readonly AnyLayerSpec[] = Object.freeze([
  erase(input),
  erase(rescaling),
  erase(conv2d),
  erase(separableConv2d),
  erase(depthwiseConv2d),
  erase(conv2dTranspose),
  erase(maxPooling2d),
  erase(averagePooling2d),
  erase(globalAveragePooling2d),
  erase(globalMaxPooling2d),
  erase(dense),
  erase(flatten),
  erase(reshape),
  erase(zeroPadding2d),
  erase(cropping2d),
  erase(upSampling2d),
  erase(batchNormalization),
  erase(layerNormalization),
  erase(dropout),
  erase(spatialDropout2d),
  erase(activation),
  erase(relu),
  erase(leakyRelu),
  erase(prelu),
  erase(add),
  erase(subtract),
  erase(multiply),
  erase(average),
  erase(maximum),
  erase(concatenate),
]);

const BY_TYPE: ReadonlyMap<string, AnyLayerSpec> = new Map(LAYER_CATALOG.map((spec) => [spec.type, spec]));

/**
 * Looks up a layer type.
 * @param type the catalog type (Keras class name, e.g. `Conv2D`)
 * @returns the spec, or `undefined` when the type is unknown
 */
export function findLayerSpec(type: string): AnyLayerSpec | undefined {
  return BY_TYPE.get(type);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** Up to three known types close to `type` (case-insensitive edit distance or containment). */
function closeMatches(type: string): string[] {
  const wanted = type.toLowerCase();
  return LAYER_CATALOG.map((spec) => ({ type: spec.type, distance: editDistance(wanted, spec.type.toLowerCase()) }))
    .filter(({ type: known, distance }) => distance <= Math.max(2, Math.floor(known.length / 3)) || (wanted.length >= 3 && known.toLowerCase().includes(wanted)))
    .sort((a, b) => a.distance - b.distance)
    .slice(0, 3)
    .map(({ type: known }) => known);
}

/**
 * Looks up a layer type that must exist.
 * @param type the catalog type (Keras class name, e.g. `Conv2D`)
 * @throws LabError `LAYER_UNKNOWN_TYPE` naming the type and listing close matches
 */
export function getLayerSpec(type: string): AnyLayerSpec {
  const spec = BY_TYPE.get(type);
  if (spec) return spec;
  const matches = closeMatches(type);
  const hint = matches.length > 0 ? ` Did you mean ${matches.join(', ')}?` : '';
  throw new LabError('LAYER_UNKNOWN_TYPE', `Expected a known layer type.${hint} Received: type=${JSON.stringify(type)}`, {
    field: 'type',
    received: type,
    suggestions: matches,
  });
}
