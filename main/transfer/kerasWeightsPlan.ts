import path from 'node:path';
import { LabError } from '../../common/errors';
import type { ModelGraph } from '../../common/graph/schema';
import { kerasModelLayout } from '../../common/graph/kerasOrder';
import { getLayerSpec, resolveLayerParams } from '../../common/catalog';
import type { KerasApplication } from '../../common/templates';
import type { KerasFileLayer, KerasWeightsLayout } from '../formats/keras/kerasWeightsFile';
import { nodeInputShapes } from '../formats/layerWeights';

/**
 * Which layer of a Keras weights file initialises which layer of a Keras Applications
 * template, decided from shapes alone (no values are read), with Keras's two rules:
 *
 * - by name, as `load_weights(by_name=True)`: every base layer of the template must be in
 *   the file with the same weight shapes; the file's top layers the template lacks
 *   (`include_top=False`) are skipped;
 * - by position among the layers with weights, as Keras's plain `load_weights` (which is
 *   how `keras.applications` loads its own files): for files whose automatic layer names
 *   Keras numbered differently (InceptionV3's files say `conv2d_1` for today's `conv2d`).
 *
 * A file that fits neither is refused with the first layer that does not match.
 */

/** A layer of the template that has weights, in Keras order, with its weight shapes. */
export interface TargetLayer {
  name: string;
  /** Keras's names of its weights (`kernel`, `moving_mean`), for messages. */
  weightNames: string[];
  shapes: number[][];
  /** True for the layers `include_top` adds (the classifier). */
  top: boolean;
}

/** A file layer whose weights go into a template layer. */
export interface WeightsAssignment {
  layer: string;
  fileLayer: string;
}

/** The decision: how layers matched, which file layer fills which template layer, and what is left over. */
export interface KerasWeightsPlan {
  matchedBy: 'name' | 'position';
  assignments: WeightsAssignment[];
  /** File layers with weights that fill nothing, with why. */
  unused: Array<{ layer: string; reason: string }>;
}

/** What the plan says about the template in messages. */
export interface WeightsTarget {
  /** `VGG16`. */
  title: string;
  application: KerasApplication;
  includeTop: boolean;
  layers: TargetLayer[];
}

/**
 * The layers with weights of a template graph, in Keras's `model.layers` order (the order of
 * a weights file's `layer_names`), with their weight shapes from the catalog.
 */
export function targetLayersOf(graph: ModelGraph, topLayers: readonly string[]): TargetLayer[] {
  const inputShapes = nodeInputShapes(graph);
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  const top = new Set(topLayers);
  return kerasModelLayout(graph).order.flatMap((id) => {
    const node = byId.get(id);
    if (!node || node.type === 'Input') return [];
    const spec = getLayerSpec(node.type);
    const weights = spec.weights(inputShapes.get(id) ?? [], resolveLayerParams(spec, node.params).params);
    if (weights.length === 0) return [];
    return [{ name: node.name, weightNames: weights.map((w) => w.name), shapes: weights.map((w) => w.shape), top: top.has(node.name) }];
  });
}

function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** Why a file layer cannot fill a target layer (the first weight that differs), or null when it can. */
function shapeMismatch(target: TargetLayer, file: KerasFileLayer): string | null {
  if (file.weights.length !== target.shapes.length) {
    const fileWeights = file.weights.map((weight) => `${weight.name} ${formatShape(weight.shape)}`).join(', ');
    const targetWeights = target.shapes.map((shape, index) => `${target.weightNames[index]} ${formatShape(shape)}`).join(', ');
    return `${file.name} has ${file.weights.length} weight${file.weights.length === 1 ? '' : 's'} in the file (${fileWeights}), ${target.name} has ${target.shapes.length} here (${targetWeights})`;
  }
  for (let index = 0; index < target.shapes.length; index++) {
    const want = target.shapes[index] as number[];
    const have = (file.weights[index] as KerasFileLayer['weights'][number]).shape;
    if (want.length !== have.length || want.some((size, axis) => size !== have[axis])) {
      return `${target.name}'s ${target.weightNames[index]} is ${formatShape(have)} in the file (${file.name}/${file.weights[index]?.name}) and ${formatShape(want)} here`;
    }
  }
  return null;
}

/** What to do when the mismatch is in the first convolution's input channels or in the top. */
function mismatchAdvice(target: WeightsTarget, layer: TargetLayer, file: KerasFileLayer): string {
  const first = target.layers[0];
  const kernel = file.weights[0]?.shape;
  const want = layer.shapes[0];
  if (layer === first && kernel?.length === 4 && want?.length === 4 && kernel[2] !== want[2]) {
    return ` ImageNet weights take ${kernel[2]} input channels: build the template with ${kernel[2]} channels and make an RGB copy of the dataset (the "Make a … RGB copy" button of the Data and Train views, or model-lab data adapt <dataset> --mode rgb).`;
  }
  if (layer.top) {
    return ` The top only fits the file at Keras's default input size with its class count: turn include_top off (the base keeps its weights) and train a new head.`;
  }
  return ` Pick the ${target.title} file (${target.includeTop ? target.application.weightsFiles.top : target.application.weightsFiles.noTop}).`;
}

function architectureMismatch(target: WeightsTarget, layout: KerasWeightsLayout, detail: string, extra: Record<string, unknown>): LabError {
  const fileName = path.basename(layout.path);
  return new LabError(
    'WEIGHTS_ARCHITECTURE_MISMATCH',
    `Expected a weights file for ${target.title}; ${fileName} does not fit it: ${detail}${detail.endsWith('.') ? '' : '.'}`,
    { path: layout.path, field: 'weightsPath', ...extra },
  );
}

function topMismatch(target: WeightsTarget, layout: KerasWeightsLayout, missing: readonly string[]): LabError {
  const fileName = path.basename(layout.path);
  return new LabError(
    'WEIGHTS_TOP_MISMATCH',
    `Expected the file with the top (${target.application.weightsFiles.top}) for ${target.title} with include_top: ${fileName} has no ${missing.join(', ')}. Turn include_top off (a new head is trained on the base), or pick the file with the top.`,
    { path: layout.path, field: 'includeTop', nodeName: missing[0], received: missing },
  );
}

function shapesPlan(target: WeightsTarget, fileWeighted: readonly KerasFileLayer[], matchedBy: KerasWeightsPlan['matchedBy'], assignments: WeightsAssignment[]): KerasWeightsPlan {
  const used = new Set(assignments.map((a) => a.fileLayer));
  const unusedReason = target.includeTop ? 'in the file, not in this model' : 'in the file, not in this model (include_top is off: the file\'s top is left out)';
  return { matchedBy, assignments, unused: fileWeighted.filter((layer) => !used.has(layer.name)).map((layer) => ({ layer: layer.name, reason: unusedReason })) };
}

/**
 * Decides how a weights file fills a template (see the module comment).
 *
 * @throws LabError `WEIGHTS_TOP_MISMATCH` when the template includes the top and the file
 *   has none (or a top of another class count or input size); `WEIGHTS_ARCHITECTURE_MISMATCH`
 *   naming the first layer and shape that differ when the file is for another architecture
 *   (or another channel count).
 */
export function planKerasWeights(target: WeightsTarget, layout: KerasWeightsLayout): KerasWeightsPlan {
  const fileWeighted = layout.layers.filter((layer) => layer.weights.length > 0);
  if (fileWeighted.length === 0) {
    throw architectureMismatch(target, layout, 'it holds no weights at all', {});
  }
  const byName = new Map(fileWeighted.map((layer) => [layer.name, layer]));
  const named = target.layers.filter((layer) => byName.has(layer.name));
  const firstNamedMismatch = named.find((layer) => shapeMismatch(layer, byName.get(layer.name) as KerasFileLayer) !== null);
  const missingBase = target.layers.filter((layer) => !layer.top && !byName.has(layer.name));
  const missingTop = target.layers.filter((layer) => layer.top && !byName.has(layer.name));

  if (named.length > 0 && firstNamedMismatch === undefined && missingBase.length === 0) {
    if (missingTop.length > 0) throw topMismatch(target, layout, missingTop.map((layer) => layer.name));
    return shapesPlan(target, fileWeighted, 'name', named.map((layer) => ({ layer: layer.name, fileLayer: layer.name })));
  }

  // Keras's plain load_weights: the i-th layer with weights of the file fills the i-th of the model.
  const common = Math.min(fileWeighted.length, target.layers.length);
  let firstPositionMismatch = -1;
  for (let index = 0; index < common; index++) {
    if (shapeMismatch(target.layers[index] as TargetLayer, fileWeighted[index] as KerasFileLayer) !== null) {
      firstPositionMismatch = index;
      break;
    }
  }
  const extraTarget = target.layers.slice(fileWeighted.length);
  if (firstPositionMismatch < 0 && extraTarget.every((layer) => layer.top)) {
    if (extraTarget.length > 0) throw topMismatch(target, layout, extraTarget.map((layer) => layer.name));
    const assignments = target.layers.map((layer, index) => ({ layer: layer.name, fileLayer: (fileWeighted[index] as KerasFileLayer).name }));
    return shapesPlan(target, fileWeighted, 'position', assignments);
  }

  // Neither rule fits: name the first layer at fault, by name when names are shared.
  if (firstNamedMismatch !== undefined) {
    const file = byName.get(firstNamedMismatch.name) as KerasFileLayer;
    const detail = shapeMismatch(firstNamedMismatch, file) as string;
    if (firstNamedMismatch.top && target.layers.filter((layer) => !layer.top).every((layer) => byName.has(layer.name) && shapeMismatch(layer, byName.get(layer.name) as KerasFileLayer) === null)) {
      throw new LabError('WEIGHTS_TOP_MISMATCH', `Expected ${target.title}'s top to fit ${path.basename(layout.path)}: ${detail}.${mismatchAdvice(target, firstNamedMismatch, file)}`, { path: layout.path, field: 'includeTop', nodeName: firstNamedMismatch.name });
    }
    throw architectureMismatch(target, layout, `${detail}.${mismatchAdvice(target, firstNamedMismatch, file)}`, { nodeName: firstNamedMismatch.name });
  }
  if (named.length > 0 && missingBase.length > 0) {
    const first = missingBase[0] as TargetLayer;
    const others = missingBase.length > 1 ? ` (nor ${missingBase.length - 1} other ${target.title} layer${missingBase.length > 2 ? 's' : ''})` : '';
    throw architectureMismatch(target, layout, `it has no layer ${first.name}${others}, whose weights are ${first.shapes.map(formatShape).join(', ')} here. Pick the ${target.title} file (${target.includeTop ? target.application.weightsFiles.top : target.application.weightsFiles.noTop})`, { nodeName: first.name });
  }
  const index = firstPositionMismatch < 0 ? common : firstPositionMismatch;
  const targetLayer = target.layers[index] as TargetLayer;
  const fileLayer = fileWeighted[index];
  const detail = fileLayer === undefined
    ? `it has ${fileWeighted.length} layers with weights, ${target.title} has ${target.layers.length} (the first without weights here is ${targetLayer.name})`
    : `its layer ${index + 1} with weights, ${fileLayer.name}, does not fit layer ${index + 1} here, ${targetLayer.name}: ${shapeMismatch(targetLayer, fileLayer)}.${mismatchAdvice(target, targetLayer, fileLayer)}`;
  throw architectureMismatch(target, layout, detail, { nodeName: targetLayer.name });
}
