import { z } from 'zod';
import type { ModelGraph } from '../graph/schema';
import { LabError, received } from '../errors';
import { basePreprocessingOf, type BaseModule } from '../data/basePreprocessing';

/** Keras Applications' `pooling` for `include_top=False`: none (a 4D feature map), average or max. */
export const poolingModeSchema = z.enum(['avg', 'max']);
export type PoolingMode = z.infer<typeof poolingModeSchema>;

/**
 * A template and the arguments to build it with, as the API, the CLI and transfer sources
 * name one. The last two are Keras Applications' `include_top` and `pooling`.
 */
export const templateRequestSchema = z.object({
  id: z.string(),
  /** Input shape without the batch dimension. */
  inputShape: z.array(z.number().int().positive()).optional(),
  classes: z.number().int().positive().optional(),
  /** Keras Applications' `include_top` (default true). */
  includeTop: z.boolean().optional(),
  /** Keras Applications' `pooling`, only with `includeTop: false`; null or absent keeps the 4D output. */
  pooling: poolingModeSchema.nullable().optional(),
});
export type TemplateRequest = z.infer<typeof templateRequestSchema>;

/** What a caller may change when instantiating a template. */
export interface TemplateOptions {
  /** Input shape without the batch dimension, e.g. `[32, 32, 3]`. */
  inputShape?: readonly number[] | undefined;
  /** Number of classes of the classifier head. */
  classes?: number | undefined;
  /** Keras Applications' `include_top`: false leaves the classifier out (Keras Applications templates only). */
  includeTop?: boolean | undefined;
  /** Keras Applications' `pooling` with `includeTop: false`: `avg`, `max`, or null for the 4D feature map. */
  pooling?: PoolingMode | null | undefined;
}

/** Template options with every default filled in and checked. */
export interface ResolvedTemplateOptions {
  inputShape: number[];
  classes: number;
  includeTop: boolean;
  pooling: PoolingMode | null;
}

/**
 * What makes a template a Keras Application (`keras.applications.<module>`): the arguments
 * Keras accepts, the weights files it downloads, and how its layers group into blocks.
 */
export interface KerasApplication {
  /** The `keras.applications` module (`inception_v3`); it names the `preprocess_input` the base needs. */
  module: BaseModule;
  /** Smallest height and width Keras accepts (`min_size` of `obtain_input_shape`). */
  minSize: number;
  /** Layers with weights that `include_top=True` adds, in model order. */
  topLayers: readonly string[];
  /** The files Keras downloads for `weights='imagenet'`, with and without the top. */
  weightsFiles: { top: string; noTop: string };
  /**
   * Names the block a layer closes (`block5` for `block5_pool`), or null. Layers belong to
   * the block of the next closing layer in Keras order; fine-tuning unfreezes whole blocks.
   */
  blockEnd(layerName: string): string | null;
}

/** An architecture the user can start from: LeNet-5 … ResNet50. */
export interface ModelTemplate {
  /** Stable id used by the API and the CLI (`resnet50`). */
  id: string;
  title: string;
  description: string;
  /** Input shape without the batch dimension used when none is given. */
  defaultInputShape: readonly number[];
  defaultClasses: number;
  /** Set for the Keras Applications (`include_top`, `pooling`, ImageNet weights files). */
  application?: KerasApplication;
  /**
   * Builds the template's graph.
   * @throws LabError `TEMPLATE_BAD_OPTIONS` when the input shape or class count is malformed,
   *   the input is smaller than the architecture takes, or `includeTop`/`pooling` are given
   *   where Keras has no such argument.
   */
  build(options?: TemplateOptions): ModelGraph;
}

/** The fields a template file provides; `defineTemplate` adds option handling. */
export interface TemplateDefinition {
  id: string;
  title: string;
  description: string;
  defaultInputShape: readonly number[];
  defaultClasses: number;
  /** Rank of the input shape the architecture accepts (3 for images: height, width, channels). */
  inputRank: number;
  application?: KerasApplication;
  create(options: ResolvedTemplateOptions): ModelGraph;
}

/**
 * Fills in defaults and checks the options once for every template, so each template
 * file only describes its architecture.
 */
export function defineTemplate(definition: TemplateDefinition): ModelTemplate {
  return {
    id: definition.id,
    title: definition.title,
    description: definition.description,
    defaultInputShape: definition.defaultInputShape,
    defaultClasses: definition.defaultClasses,
    ...(definition.application ? { application: definition.application } : {}),
    build(options: TemplateOptions = {}): ModelGraph {
      const resolved = resolveTemplateOptions(definition, options);
      const graph = definition.create(resolved);
      if (!definition.application) return graph;
      // What the weights loader and the fine-tuning blocks read back from a graph built here.
      graph.metadata = {
        ...graph.metadata,
        inputPreprocessing: basePreprocessingOf(definition.application.module),
        application: { includeTop: resolved.includeTop, pooling: resolved.pooling },
      };
      return graph;
    },
  };
}

function resolveTemplateOptions(definition: TemplateDefinition, options: TemplateOptions): ResolvedTemplateOptions {
  const inputShape = [...(options.inputShape ?? definition.defaultInputShape)];
  const classes = options.classes ?? definition.defaultClasses;
  if (inputShape.length !== definition.inputRank || !inputShape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new LabError(
      'TEMPLATE_BAD_OPTIONS',
      `Template "${definition.id}" expects an input shape of ${definition.inputRank} positive integers (without the batch dimension). ${received('inputShape', inputShape)}`,
      { field: 'inputShape', received: inputShape },
    );
  }
  if (!Number.isInteger(classes) || classes < 1) {
    throw new LabError(
      'TEMPLATE_BAD_OPTIONS',
      `Template "${definition.id}" expects a positive integer class count. ${received('classes', classes)}`,
      { field: 'classes', received: classes },
    );
  }
  const application = definition.application;
  const includeTop = options.includeTop ?? true;
  const pooling = options.pooling ?? null;
  if (!application) {
    if (options.includeTop === false || pooling !== null) {
      const field = options.includeTop === false ? 'includeTop' : 'pooling';
      throw new LabError(
        'TEMPLATE_BAD_OPTIONS',
        `Template "${definition.id}" has no include_top or pooling argument; only the Keras Applications templates (VGG16, VGG19, ResNet50, InceptionV3, MobileNetV2) do. ${received(field, options[field])}`,
        { field, received: options[field] },
      );
    }
    return { inputShape, classes, includeTop, pooling };
  }
  if (includeTop && pooling !== null) {
    throw new LabError(
      'TEMPLATE_BAD_OPTIONS',
      `Template "${definition.id}": pooling applies only with include_top=False (with the top, the classifier decides). ${received('pooling', pooling)}`,
      { field: 'pooling', received: pooling },
    );
  }
  const [height = 0, width = 0] = inputShape;
  if (height < application.minSize || width < application.minSize) {
    // Keras's obtain_input_shape: "Input size must be at least 75x75; Received: input_shape=...".
    throw new LabError(
      'TEMPLATE_BAD_OPTIONS',
      `Template "${definition.id}": input size must be at least ${application.minSize}x${application.minSize}; resize the dataset to at least that (Data view: "Make a copy at the model's size") or pick a larger input. ${received('inputShape', inputShape)}`,
      { field: 'inputShape', received: inputShape, minSize: application.minSize },
    );
  }
  return { inputShape, classes, includeTop, pooling };
}
