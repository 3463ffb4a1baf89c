import type { ModelGraph } from '../graph/schema';
import { kerasModelLayout } from '../graph/kerasOrder';
import { LabError, received } from '../errors';
import type { FineTuneBlock } from '../training/fineTune';
import { TEMPLATES } from './index';

/** Names of the graph's layers in Keras's `model.layers` order, the Input left out. */
function kerasOrderNames(graph: ModelGraph): string[] {
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  return kerasModelLayout(graph).order.flatMap((id) => {
    const node = byId.get(id);
    return node && node.type !== 'Input' ? [node.name] : [];
  });
}

/**
 * The blocks a Keras Applications base (or a transfer model built on one, which keeps its
 * template id) fine-tunes by: VGG blocks, ResNet stages, Inception mixed blocks, MobileNetV2
 * blocks, in Keras order. Each layer belongs to the block of the next layer that closes one;
 * the layers after the last block (the head) are left out. Empty for other models, which
 * fine-tune from any layer.
 */
export function fineTuneBlocks(graph: ModelGraph): FineTuneBlock[] {
  const templateId = graph.metadata.template;
  const application = TEMPLATES.find((template) => template.id === templateId)?.application;
  if (!application) return [];
  const names = kerasOrderNames(graph);
  const labels = new Array<string | null>(names.length).fill(null);
  let current: string | null = null;
  for (let index = names.length - 1; index >= 0; index--) {
    current = application.blockEnd(names[index] as string) ?? current;
    labels[index] = current;
  }
  const blocks: FineTuneBlock[] = [];
  labels.forEach((label, index) => {
    if (label === null) return;
    const existing = blocks.find((block) => block.label === label);
    if (existing) existing.layers += 1;
    else blocks.push({ label, fromLayer: names[index] as string, layers: 1 });
  });
  return blocks;
}

/**
 * The layers fine-tuning from `fromLayer` unfreezes: it and every layer after it in Keras's
 * `model.layers` order (Keras: `for layer in model.layers[index:]: layer.trainable = True`).
 *
 * @throws LabError `TRAIN_BAD_CONFIG` naming the layer when the graph has no such layer,
 *   or when every layer from there on already trains (nothing would be unfrozen).
 */
export function fineTuneLayers(graph: ModelGraph, fromLayer: string): string[] {
  const names = kerasOrderNames(graph);
  const index = names.indexOf(fromLayer);
  if (index < 0) {
    const blocks = fineTuneBlocks(graph).map((block) => `${block.fromLayer} (${block.label})`);
    throw new LabError('TRAIN_BAD_CONFIG', `Expected fineTune.fromLayer to name a layer of the model${blocks.length > 0 ? `, e.g. the first layer of a block: ${blocks.join(', ')}` : ''}. ${received('fromLayer', fromLayer)}`, { field: 'fineTune.fromLayer', received: fromLayer });
  }
  const unfrozen = names.slice(index);
  const frozen = new Set(graph.nodes.filter((node) => !node.trainable).map((node) => node.name));
  if (!unfrozen.some((name) => frozen.has(name))) {
    throw new LabError('TRAIN_BAD_CONFIG', `Expected fineTune.fromLayer to start before a frozen layer: ${fromLayer} and the layers after it already train, so phase 2 would unfreeze nothing. Pick a layer of the frozen base. ${received('fromLayer', fromLayer)}`, { field: 'fineTune.fromLayer', received: fromLayer });
  }
  return unfrozen;
}
