import { LabError, received } from '../../common/errors';
import type { GraphNode } from '../../common/graph/schema';
import { getLayerSpec } from '../../common/catalog';
import type { Tfjs } from './backend';
import { tfjsLayerArgs } from './tfjsArgs';
import { OWN_LAYER_BUILDERS } from './layers/index';

/** A TF.js layer, whatever its class. */
export type TfjsLayer = InstanceType<Tfjs['layers']['Layer']>;

/** What every layer gets besides its own params. */
export interface LayerContext {
  tf: Tfjs;
  node: GraphNode;
  /** The next seed for an initializer or a random layer; `undefined` when compiling unseeded. */
  nextSeed: () => number | undefined;
}

function unsupported(node: GraphNode, field: string, what: string, value: unknown): LabError {
  return new LabError('LAYER_UNSUPPORTED', `${node.type} layer "${node.name}": ${what} ${received(field, value)}`, {
    nodeId: node.id,
    nodeName: node.name,
    field,
    received: value,
  });
}

/** The stock `tf.layers` factory of this name, if TF.js has one. */
function stockFactory(tf: Tfjs, name: string): ((args: Record<string, unknown>) => TfjsLayer) | undefined {
  // Indexed by name: the names come from the catalog's tfjsConfig, which a test checks against tf.layers.
  const factory = (tf.layers as unknown as Record<string, unknown>)[name];
  return typeof factory === 'function' ? (factory as (args: Record<string, unknown>) => TfjsLayer) : undefined;
}

/**
 * Builds the TF.js layer for one graph node from its resolved (canonical) params, as the
 * catalog entry's `tfjsConfig` describes it, keeping the node's name and frozen flag.
 * Layer types Model Lab implements itself (`layers/`) are built with its own classes,
 * the others with TF.js's `tf.layers` factories.
 * @throws LabError `LAYER_UNSUPPORTED` naming the layer when TF.js cannot express the type
 *   or one of its arguments.
 */
export function createTfjsLayer(params: Record<string, unknown>, context: LayerContext): TfjsLayer {
  const { tf, node } = context;
  const config = getLayerSpec(node.type).tfjsConfig?.(params);
  const [refused] = config?.unsupported ?? [];
  if (refused !== undefined) throw unsupported(node, refused.field, refused.reason, refused.value);
  const ownBuilder = OWN_LAYER_BUILDERS[node.type];
  const factory = config === undefined || config.factory === null ? undefined : stockFactory(tf, config.factory);
  if (config === undefined || (ownBuilder === undefined && factory === undefined)) {
    throw new LabError('LAYER_UNSUPPORTED', `${node.type} layer "${node.name}" has no TF.js counterpart. ${received('type', node.type)}`, {
      nodeId: node.id,
      nodeName: node.name,
      field: 'type',
      received: node.type,
    });
  }
  const args = { name: node.name, trainable: node.trainable, ...tfjsLayerArgs(tf, config.args, context.nextSeed) };
  return ownBuilder === undefined ? (factory as (args: Record<string, unknown>) => TfjsLayer)(args) : ownBuilder(args);
}
