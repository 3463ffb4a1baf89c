import type * as tf from '@tensorflow/tfjs';
import { BatchNormalization } from './BatchNormalization';
import { Conv2D } from './Conv2D';
import { DepthwiseConv2D } from './DepthwiseConv2D';
import { GlobalAveragePooling2D, GlobalMaxPooling2D } from './GlobalPooling2D';
import { ReLU } from './ReLU';
import { SeparableConv2D } from './SeparableConv2D';
import { SpatialDropout2D } from './SpatialDropout2D';
import { Subtract } from './Subtract';

/**
 * Layers and activations Keras has and TF.js 4.22 lacks. Importing this module registers
 * them with TF.js's serialization registry, which is what `compileGraph` and every
 * model.json loader resolve class names through; the imports are explicit so a bundler
 * cannot drop a registration nobody references by name.
 */
export { BatchNormalization } from './BatchNormalization';
export { Conv2D } from './Conv2D';
export { DepthwiseConv2D } from './DepthwiseConv2D';
export { GlobalAveragePooling2D, GlobalMaxPooling2D, type GlobalPooling2DArgs } from './GlobalPooling2D';
export { LeakyReluActivation } from './LeakyReluActivation';
export { ReLU, type ReLUArgs } from './ReLU';
export { SeparableConv2D } from './SeparableConv2D';
export { SpatialDropout2D, type SpatialDropout2DArgs } from './SpatialDropout2D';
export { Subtract } from './Subtract';

/** Builds one of these layers from a catalog entry's `tfjsConfig` arguments (engine-built: initializers are objects). */
export type OwnLayerBuilder = (args: Record<string, unknown>) => tf.layers.Layer;

function builder<A>(LayerClass: new (args: A) => tf.layers.Layer): OwnLayerBuilder {
  // The catalog's tfjsConfig writes these classes' constructor arguments under their names.
  return (args) => new LayerClass(args as A);
}

/**
 * The catalog types the engine builds with its own class instead of a stock `tf.layers`
 * factory: the types TF.js lacks, and those whose TF.js class lacks a Keras argument or
 * behaviour (see each class).
 */
export const OWN_LAYER_BUILDERS: Readonly<Record<string, OwnLayerBuilder>> = {
  BatchNormalization: builder(BatchNormalization),
  Conv2D: builder(Conv2D),
  DepthwiseConv2D: builder(DepthwiseConv2D),
  GlobalAveragePooling2D: builder(GlobalAveragePooling2D),
  GlobalMaxPooling2D: builder(GlobalMaxPooling2D),
  ReLU: builder(ReLU),
  SeparableConv2D: builder(SeparableConv2D),
  SpatialDropout2D: builder(SpatialDropout2D),
  Subtract: builder(Subtract),
};
