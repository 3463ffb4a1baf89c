import type { ModelGraph } from '../graph/schema';
import { LabError, received } from '../errors';
import type { ModelTemplate, TemplateOptions } from './types';
import { mlpTemplate } from './mlp';
import { mnistCnnTemplate } from './mnistCnn';
import { cifar10CnnTemplate } from './cifar10Cnn';
import { lenet5Template } from './lenet5';
import { alexnetTemplate } from './alexnet';
import { vgg16Template } from './vgg16';
import { vgg19Template } from './vgg19';
import { smallResnetTemplate } from './smallResnet';
import { smallInceptionTemplate } from './smallInception';
import { resnet50Template } from './resnet50';
import { mobilenetV2Template } from './mobilenetV2';
import { inceptionV3Template } from './inceptionV3';

export type { KerasApplication, ModelTemplate, PoolingMode, TemplateOptions, TemplateRequest } from './types';
export { poolingModeSchema, templateRequestSchema } from './types';
export { GraphBuilder, type TensorRef } from './builder';

/** Every template, in the order the template picker lists them (smallest first). */
export const TEMPLATES: readonly ModelTemplate[] = [
  mlpTemplate,
  mnistCnnTemplate,
  cifar10CnnTemplate,
  lenet5Template,
  alexnetTemplate,
  vgg16Template,
  vgg19Template,
  smallResnetTemplate,
  smallInceptionTemplate,
  resnet50Template,
  mobilenetV2Template,
  inceptionV3Template,
];

/**
 * The template with this id.
 * @throws LabError `TEMPLATE_NOT_FOUND` naming the known ids.
 */
export function getTemplate(id: string): ModelTemplate {
  const template = TEMPLATES.find((candidate) => candidate.id === id);
  if (!template) {
    throw new LabError(
      'TEMPLATE_NOT_FOUND',
      `Expected a template id, one of ${TEMPLATES.map((t) => t.id).join(', ')}. ${received('id', id)}`,
      { field: 'id', received: id },
    );
  }
  return template;
}

/**
 * Builds a template's graph with the given input shape, class count and, for the Keras
 * Applications, `include_top` and `pooling` (defaults when omitted).
 * @throws LabError `TEMPLATE_NOT_FOUND`, or `TEMPLATE_BAD_OPTIONS` for a malformed shape or
 *   class count, an input smaller than the architecture takes, or an argument it lacks.
 */
export function buildTemplate(id: string, options: TemplateOptions = {}): ModelGraph {
  return getTemplate(id).build(options);
}
