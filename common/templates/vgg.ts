import { GraphBuilder, type TensorRef } from './builder';
import { applicationPooling } from './applicationPooling';
import { defineTemplate, type KerasApplication, type ModelTemplate, type ResolvedTemplateOptions } from './types';
import type { ModelGraph } from '../graph/schema';

/** Filters and convolution count of each block of a VGG network. */
export interface VggBlock {
  filters: number;
  convs: number;
}

/** The layers VGG's `include_top=True` adds that have weights. */
const VGG_TOP_LAYERS = ['fc1', 'fc2', 'predictions'] as const;

/** `block5_pool` closes `block5`: VGG fine-tunes whole blocks. */
function vggBlockEnd(layerName: string): string | null {
  return /^(block\d+)_pool$/.exec(layerName)?.[1] ?? null;
}

/** The Keras Application description shared by VGG16 and VGG19 (`min_size=32`). */
function vggApplication(module: 'vgg16' | 'vgg19'): KerasApplication {
  return {
    module,
    minSize: 32,
    topLayers: VGG_TOP_LAYERS,
    weightsFiles: { top: `${module}_weights_tf_dim_ordering_tf_kernels.h5`, noTop: `${module}_weights_tf_dim_ordering_tf_kernels_notop.h5` },
    blockEnd: vggBlockEnd,
  };
}

/**
 * `keras.applications.vgg16` / `vgg19`: blocks of 3×3 'same' ReLU convolutions, each closed
 * by 2×2 max pooling, named `block{b}_conv{c}` and `block{b}_pool`; with the top, Flatten,
 * Dense 4096 `fc1` and `fc2` and the `predictions` classifier; without it, the optional
 * global pooling.
 */
function buildVgg(name: string, description: string, blocks: readonly VggBlock[], options: ResolvedTemplateOptions): ModelGraph {
  const b = new GraphBuilder(name, description);
  let x: TensorRef = b.input(options.inputShape);
  blocks.forEach(({ filters, convs }, blockIndex) => {
    const block = `block${blockIndex + 1}`;
    for (let conv = 1; conv <= convs; conv++) {
      x = b.layer('Conv2D', { filters, kernel_size: [3, 3], activation: 'relu', padding: 'same' }, x, `${block}_conv${conv}`);
    }
    x = b.layer('MaxPooling2D', { pool_size: [2, 2], strides: [2, 2] }, x, `${block}_pool`);
  });
  if (options.includeTop) {
    x = b.layer('Flatten', {}, x, 'flatten');
    x = b.layer('Dense', { units: 4096, activation: 'relu' }, x, 'fc1');
    x = b.layer('Dense', { units: 4096, activation: 'relu' }, x, 'fc2');
    b.layer('Dense', { units: options.classes, activation: 'softmax' }, x, 'predictions');
  } else {
    applicationPooling(b, x, options.pooling);
  }
  return b.build(name);
}

/** What differs between VGG16 and VGG19. */
export interface VggVariant {
  /** Template id, Keras model name and `keras.applications` module (`vgg16`). */
  module: 'vgg16' | 'vgg19';
  title: string;
  description: string;
  blocks: readonly VggBlock[];
}

/**
 * A VGG template as `keras.applications.VGG16/VGG19(include_top, weights=None, input_shape,
 * pooling, classes)`: the same layers, names and arguments, so weights and summaries line
 * up with Keras.
 */
export function vggTemplate(variant: VggVariant): ModelTemplate {
  return defineTemplate({
    id: variant.module,
    title: variant.title,
    description: variant.description,
    defaultInputShape: [224, 224, 3],
    defaultClasses: 1000,
    inputRank: 3,
    application: vggApplication(variant.module),
    create: (options) => buildVgg(variant.module, variant.description, variant.blocks, options),
  });
}
