import type { z } from 'zod';
import type { LabError } from '../errors';
import type { Shape } from '../graph/shape';
import type { TfjsLayerConfig } from './tfjsConfig';

/** Palette groups, in the order the editor shows them. */
export const LAYER_FAMILIES = [
  'input',
  'convolutional',
  'pooling',
  'core',
  'normalization',
  'regularization',
  'activation',
  'merge',
] as const;
export type LayerFamily = (typeof LAYER_FAMILIES)[number];

/** One weight variable of a layer, named as Keras names it (`kernel`, `moving_mean`). */
export interface WeightSpec {
  name: string;
  shape: number[];
  /** False for statistics such as BatchNormalization's moving mean and variance. */
  trainable: boolean;
}

/** Trainable and non-trainable parameter counts, as Keras's `summary()` reports them. */
export interface ParamCount {
  trainable: number;
  nonTrainable: number;
}

/** How many inputs a layer takes. `Input` takes none; merges take two or more. */
export interface Arity {
  min: number;
  /** `Infinity` for merges that take any number of inputs. */
  max: number;
}

/**
 * A layer type, defined once. Everything else (palette, inspector, analysis, engine,
 * exporters, code generation) reads these fields instead of knowing about layer types.
 *
 * Params use Keras's argument names (snake_case) so a graph's params are a Keras
 * config: `{ filters: 32, kernel_size: [3, 3], padding: 'same' }`.
 */
export interface LayerSpec<P extends Record<string, unknown> = Record<string, unknown>> {
  /** PascalCase class name, equal to the Keras and TF.js `className`. */
  type: string;
  /** The Keras class written to saved configs when it differs from `type` (`Input` is saved as `InputLayer`). */
  kerasClassName?: string;
  family: LayerFamily;
  /** One line for the palette and tooltips. */
  summary: string;
  docs: {
    /** Expected input, e.g. "4D tensor (batch, height, width, channels)". */
    input: string;
    output: string;
  };
  /**
   * The arguments: a zod object schema whose fields carry defaults (Keras's) and
   * descriptions. Parsing `{}` gives the Keras defaults.
   */
  params: z.ZodType<P>;
  /** Fields worth showing on the canvas node, in order (e.g. `filters`, `kernel_size`). */
  keyParams: readonly (keyof P & string)[];
  arity: Arity;
  /**
   * Turns accepted shorthand into canonical form (a scalar `kernel_size: 3` into `[3, 3]`)
   * before `params` parses.
   */
  normalize?: (raw: Record<string, unknown>) => Record<string, unknown>;
  /** Cross-field rules; each problem names its field. Returns an empty list when valid. */
  validate?: (params: P) => LabError[];
  /**
   * Output shape from the input shapes (batch dim first, `null` if unknown). Pure.
   * @throws LabError `SHAPE_INVALID_OUTPUT`, `SHAPE_RANK` or `SHAPE_MISMATCH`.
   */
  outputShape: (inputs: readonly Shape[], params: P) => Shape;
  /**
   * The weights the layer creates for these input shapes, in Keras's order. Parameter
   * counts, exporters and weight import all derive from this list.
   */
  weights: (inputs: readonly Shape[], params: P) => WeightSpec[];
  /** The Keras `get_config()` dict for these params (every argument, Keras names). */
  kerasConfig: (params: P) => Record<string, unknown>;
  /**
   * Arguments Keras requires (no default in the Python signature). Generated code writes
   * them even when they equal the palette default, because leaving them out is a
   * TypeError in Keras.
   */
  requiredArguments?: readonly (keyof P & string)[];
  /**
   * The TF.js layer for these params: factory and constructor arguments. Pure; the engine
   * builds from it and the TF.js code generator prints it. Absent only for `Input`, whose
   * symbolic tensor `tf.input` makes.
   */
  tfjsConfig?: (params: P) => TfjsLayerConfig;
}

/** A spec whose params type has been erased, as stored in the catalog. */
export type AnyLayerSpec = LayerSpec<Record<string, unknown>>;
