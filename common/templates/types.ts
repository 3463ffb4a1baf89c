import type { ModelGraph } from '../graph/schema';
import { LabError, received } from '../errors';

/** What a caller may change when instantiating a template. */
export interface TemplateOptions {
  /** Input shape without the batch dimension, e.g. `[32, 32, 3]`. */
  inputShape?: readonly number[];
  /** Number of classes of the classifier head. */
  classes?: number;
}

/** Template options with every default filled in and checked. */
export interface ResolvedTemplateOptions {
  inputShape: number[];
  classes: number;
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
  /**
   * Builds the template's graph.
   * @throws LabError `TEMPLATE_BAD_OPTIONS` when the input shape or class count is malformed.
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
    build(options: TemplateOptions = {}): ModelGraph {
      return definition.create(resolveTemplateOptions(definition, options));
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
  return { inputShape, classes };
}
