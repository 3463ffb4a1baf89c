import { z } from 'zod';
import { LabError, received } from '../errors';
import type { AnyLayerSpec } from './types';
import { INITIALIZERS, kerasInitializer, type InitializerName } from './paramSchemas';
import { badParam } from './layerErrors';

/** Keras config keys that describe the layer object rather than its arguments. */
const BOOKKEEPING_KEYS = new Set(['name', 'trainable', 'dtype']);

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The argument names a spec models, read from its zod object schema. */
function modelledFields(spec: AnyLayerSpec): Set<string> {
  return spec.params instanceof z.ZodObject ? new Set(Object.keys(spec.params.shape)) : new Set();
}

/**
 * A serialized Keras initializer (`{class_name: 'GlorotUniform', config: {seed: null}}`)
 * becomes its name, but only when its config is the default one: a tuned initializer
 * is left as is so the schema reports it instead of silently dropping its settings.
 */
function initializerFromKeras(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || !('class_name' in value)) return value;
  const record = value as { class_name: unknown; config?: unknown };
  const match = INITIALIZERS.find((name: InitializerName) => {
    const serialized = kerasInitializer(name);
    return serialized.class_name === record.class_name && deepEqual(serialized.config, record.config ?? {});
  });
  return match ?? value;
}

/** A serialized Keras regularizer (`L1L2`, `L1`, `L2`) becomes `{l1, l2}`. */
function regularizerFromKeras(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || !('class_name' in value)) return value;
  const { class_name: className, config } = value as { class_name: unknown; config?: Record<string, unknown> };
  const l1 = typeof config?.['l1'] === 'number' ? config['l1'] : 0;
  const l2 = typeof config?.['l2'] === 'number' ? config['l2'] : 0;
  if (className === 'L1L2') return { l1, l2 };
  if (className === 'L1') return { l1, l2: 0 };
  if (className === 'L2') return { l1: 0, l2 };
  return value;
}

/** The Keras defaults of the arguments a spec does not model, as its own `kerasConfig` writes them. */
function kerasOnlyDefaults(spec: AnyLayerSpec): Record<string, unknown> {
  const defaults = spec.params.safeParse({});
  return defaults.success ? spec.kerasConfig(defaults.data) : {};
}

/**
 * Turns raw params (from the editor, a graph file or a Keras config) into a spec's
 * canonical params: applies `normalize`, parses with the schema (filling Keras defaults),
 * then runs `validate`. Keras config bookkeeping (`name`, `trainable`, `dtype`) is dropped,
 * and so is any argument the spec does not model when it holds Keras's default value;
 * any other unknown argument is an error, never silently ignored.
 *
 * @param spec the layer type
 * @param raw the params as stored (Keras argument names)
 * @returns `params`: the parsed params when there is no error; otherwise the defaults
 *   with every valid field of `raw` applied, so the editor can still show the layer.
 *   `errors`: one `LAYER_BAD_PARAM` per problem, each with `details.field`.
 */
export function resolveLayerParams(spec: AnyLayerSpec, raw: Record<string, unknown>): { params: Record<string, unknown>; errors: LabError[] } {
  const normalized = spec.normalize ? spec.normalize(raw) : { ...raw };
  const fields = modelledFields(spec);
  const errors: LabError[] = [];
  const candidate: Record<string, unknown> = {};
  let kerasDefaults: Record<string, unknown> | undefined;

  for (const [key, value] of Object.entries(normalized)) {
    if (fields.has(key)) {
      if (key.endsWith('_initializer')) candidate[key] = initializerFromKeras(value);
      else if (key.endsWith('_regularizer')) candidate[key] = regularizerFromKeras(value);
      else candidate[key] = value;
      continue;
    }
    if (BOOKKEEPING_KEYS.has(key) || value === null) continue;
    kerasDefaults ??= kerasOnlyDefaults(spec);
    if (key in kerasDefaults && deepEqual(kerasDefaults[key], value)) continue;
    const expectation =
      key in kerasDefaults
        ? `Model Lab supports ${spec.type} only with \`${key}\`=${JSON.stringify(kerasDefaults[key])}.`
        : `Unrecognized argument \`${key}\` for ${spec.type}. Expected one of: ${[...fields].join(', ') || '(no arguments)'}.`;
    errors.push(badParam(key, expectation, value));
  }

  const parsed = spec.params.safeParse(candidate);
  if (parsed.success) {
    const params = parsed.data;
    return { params, errors: [...errors, ...(spec.validate?.(params) ?? [])] };
  }

  const badFields = new Set<string>();
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? '(params)');
    if (badFields.has(field)) continue;
    badFields.add(field);
    const value = candidate[field];
    errors.push(new LabError('LAYER_BAD_PARAM', `Invalid value for argument \`${field}\`: ${issue.message}. ${received(field, value)}`, { field, received: value }));
  }
  const salvage = Object.fromEntries(Object.entries(candidate).filter(([key]) => !badFields.has(key)));
  const fallback = spec.params.safeParse(salvage);
  return { params: fallback.success ? fallback.data : salvage, errors };
}
