import path from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import { LabError, received } from '../../common/errors';
import type { ModelGraph } from '../../common/graph/schema';
import { getTemplate, type TemplateRequest } from '../../common/templates';
import type { InitialWeightsReport } from '../../common/training/initialWeights';
import type { Tfjs } from '../engine/backend';
import { readKerasWeightsLayout, readKerasWeightValues } from '../formats/keras/kerasWeightsFile';
import { nodeInputShapes } from '../formats/layerWeights';
import { getLayerSpec, resolveLayerParams } from '../../common/catalog';
import { planKerasWeights, targetLayersOf, type KerasWeightsPlan, type WeightsTarget } from './kerasWeightsPlan';

/** A Keras weights file and the template it fills (the `weightsPath` transfer source). */
export interface ApplicationWeightsSource {
  weightsPath: string;
  template: TemplateRequest;
}

/**
 * The template graph of a weights source and what the plan needs to know about it.
 *
 * @throws LabError `TEMPLATE_NOT_FOUND`, `TEMPLATE_BAD_OPTIONS`, or `TRAIN_BAD_CONFIG` for a
 *   template that is not a Keras Application (it has no ImageNet weights files).
 */
export function applicationTarget(template: TemplateRequest): { graph: ModelGraph; target: WeightsTarget } {
  const found = getTemplate(template.id);
  const application = found.application;
  if (!application) {
    throw new LabError('TRAIN_BAD_CONFIG', `Expected a Keras Applications template (vgg16, vgg19, resnet50, inceptionv3, mobilenetv2) for a Keras weights file. ${received('template', template.id)}`, { field: 'template', received: template.id });
  }
  const { id: _id, ...options } = template;
  const graph = found.build(options);
  const includeTop = template.includeTop ?? true;
  return { graph, target: { title: found.title, application, includeTop, layers: targetLayersOf(graph, includeTop ? application.topLayers : []) } };
}

/**
 * Checks a weights file against its template from the file's structure alone (fast even
 * for large files) and says how its layers will load.
 *
 * @throws LabError as `planKerasWeights`, `readKerasWeightsLayout` and `applicationTarget`.
 */
export async function inspectApplicationWeights(source: ApplicationWeightsSource): Promise<KerasWeightsPlan> {
  const { target } = applicationTarget(source.template);
  return planKerasWeights(target, await readKerasWeightsLayout(source.weightsPath));
}

/**
 * What loading `plan` into a model with these layers (those with weights) does: which
 * layers take the file's weights (with the file layer each comes from) and which are
 * skipped, with why.
 */
export function applyPlan(plan: KerasWeightsPlan, weightedLayers: readonly string[], fileName: string): { report: InitialWeightsReport; fileLayerOf: Map<string, string> } {
  const present = new Set(weightedLayers);
  const fileLayerOf = new Map(plan.assignments.filter((assignment) => present.has(assignment.layer)).map((assignment) => [assignment.layer, assignment.fileLayer]));
  const report: InitialWeightsReport = { initialised: [], skipped: [], matchedBy: plan.matchedBy };
  for (const layer of weightedLayers) {
    if (fileLayerOf.has(layer)) report.initialised.push(layer);
    else report.skipped.push({ layer, reason: `not in ${fileName}: a new layer, trained from its initialisation` });
  }
  for (const assignment of plan.assignments) {
    if (!present.has(assignment.layer)) report.skipped.push({ layer: assignment.fileLayer, reason: 'in the file, not in this model (cut off)' });
  }
  report.skipped.push(...plan.unused);
  return { report, fileLayerOf };
}

/** Names of the graph's layers that have weights (what a weights report lists), in graph order. */
export function weightedLayerNames(graph: ModelGraph): string[] {
  const inputShapes = nodeInputShapes(graph);
  return graph.nodes.filter((node) => {
    if (node.type === 'Input') return false;
    const spec = getLayerSpec(node.type);
    return spec.weights(inputShapes.get(node.id) ?? [], resolveLayerParams(spec, node.params).params).length > 0;
  }).map((node) => node.name);
}

/**
 * Loads a Keras weights file into `model` (a template, or a transfer model built on one:
 * its base layers keep the template's names). Each model layer the plan fills takes the
 * file's weights; the others keep their initialisation and are reported with why.
 *
 * @throws LabError as `inspectApplicationWeights`, and `IO_BAD_FORMAT` naming the file when
 *   a weight cannot be read (a truncated file).
 */
export async function loadApplicationWeights(model: tfjs.LayersModel, source: ApplicationWeightsSource, tf: Tfjs): Promise<InitialWeightsReport> {
  const plan = await inspectApplicationWeights(source);
  const weighted = model.layers.filter((layer) => layer.weights.length > 0);
  const { report, fileLayerOf } = applyPlan(plan, weighted.map((layer) => layer.name), path.basename(source.weightsPath));
  const values = await readKerasWeightValues(source.weightsPath, [...fileLayerOf.values()]);
  for (const layer of weighted) {
    const fileLayer = fileLayerOf.get(layer.name);
    const weights = fileLayer === undefined ? undefined : values.get(fileLayer);
    if (weights === undefined) continue;
    const tensors = weights.map((weight) => tf.tensor(weight.data, weight.shape, 'float32'));
    layer.setWeights(tensors);
    tf.dispose(tensors);
  }
  return report;
}
