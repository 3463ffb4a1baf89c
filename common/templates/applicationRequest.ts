import type { ModelGraph } from '../graph/schema';
import { TEMPLATES } from './index';
import { poolingModeSchema, type TemplateRequest } from './types';

/**
 * The Keras Applications template a graph was built from, with the arguments that rebuild
 * its base: what a Keras weights file for it is checked against. Transfer models keep their
 * template's metadata, so a model built on a VGG16 base answers VGG16 too.
 *
 * @returns null for a graph built from no Keras Applications template.
 */
export function applicationRequestOf(graph: ModelGraph): TemplateRequest | null {
  const template = TEMPLATES.find((candidate) => candidate.id === graph.metadata.template);
  if (!template?.application) return null;
  const recorded = graph.metadata['application'];
  const options = typeof recorded === 'object' && recorded !== null ? (recorded as Record<string, unknown>) : {};
  const includeTop = options['includeTop'] !== false;
  const pooling = poolingModeSchema.safeParse(options['pooling']);
  const inputShape = graph.nodes.find((node) => node.type === 'Input')?.params['shape'];
  const units = graph.nodes.find((node) => node.name === 'predictions')?.params['units'];
  return {
    id: template.id,
    ...(Array.isArray(inputShape) && inputShape.every((dim) => typeof dim === 'number') ? { inputShape: inputShape as number[] } : {}),
    includeTop,
    ...(includeTop ? (typeof units === 'number' ? { classes: units } : {}) : { pooling: pooling.success ? pooling.data : null }),
  };
}
