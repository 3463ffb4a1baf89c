import type { z } from 'zod';

/**
 * Describes a layer's Keras arguments for the inspector by reading its zod schema, so a
 * new catalog entry gets a form without any editor code.
 */

/** The kind of input a field gets. */
export type ParamFieldKind = 'enum' | 'boolean' | 'integer' | 'number' | 'string' | 'tuple' | 'list' | 'object' | 'json';

/** One Keras argument as the inspector renders it. */
export interface ParamField {
  name: string;
  kind: ParamFieldKind;
  description: string;
  /** Keras's default (after `default()`), or undefined when the argument has none. */
  defaultValue: unknown;
  /** `None` is allowed: the inspector shows a 'None' toggle. */
  nullable: boolean;
  /** Choices of an enum. */
  options: readonly string[];
  /** Element kinds of a tuple (`integer` or `number`). */
  items: readonly ParamFieldKind[];
  /** Fields of a nested object (a regularizer's `l1` and `l2`). */
  fields: readonly ParamField[];
  /** The field's own schema, used to validate what the user typed. */
  schema: z.ZodType;
  /** Smallest allowed value of a number, when the schema says. */
  min: number | undefined;
}

/** The parts of zod 4's internal definition the inspector reads. */
interface ZodDefView {
  type: string;
  innerType?: z.ZodType;
  defaultValue?: unknown;
  items?: z.ZodType[];
  shape?: Record<string, z.ZodType>;
  entries?: Record<string, string | number>;
}

function defOf(schema: z.ZodType): ZodDefView {
  // zod 4 exposes its definition on `_zod.def`; the typed view above names the fields used.
  return (schema as unknown as { _zod: { def: ZodDefView } })._zod.def;
}

function isIntegerNumber(schema: z.ZodType): boolean {
  return (schema as unknown as { isInt?: boolean }).isInt === true;
}

function minOf(schema: z.ZodType): number | undefined {
  const value = (schema as unknown as { minValue?: number | null }).minValue;
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function kindOf(schema: z.ZodType): ParamFieldKind {
  const def = defOf(schema);
  switch (def.type) {
    case 'enum':
      return 'enum';
    case 'boolean':
      return 'boolean';
    case 'number':
      return isIntegerNumber(schema) ? 'integer' : 'number';
    case 'string':
      return 'string';
    case 'tuple':
      return (def.items ?? []).every((item) => ['integer', 'number'].includes(kindOf(item))) ? 'tuple' : 'json';
    case 'object':
      return 'object';
    case 'array':
      return 'list';
    default:
      return 'json';
  }
}

/** Describes one field: unwraps default, optional and nullable, then classifies what remains. */
export function describeParamField(name: string, fieldSchema: z.ZodType): ParamField {
  let current = fieldSchema;
  let defaultValue: unknown = undefined;
  let nullable = false;
  let description = fieldSchema.description ?? '';
  for (;;) {
    const def = defOf(current);
    if (def.type === 'default' || def.type === 'prefault') {
      defaultValue = def.defaultValue;
    } else if (def.type === 'nullable') {
      nullable = true;
    } else if (def.type !== 'optional' && def.type !== 'readonly') {
      break;
    }
    if (!def.innerType) break;
    current = def.innerType;
    if (!description && current.description) description = current.description;
  }
  const kind = kindOf(current);
  const def = defOf(current);
  return {
    name,
    kind,
    description,
    defaultValue,
    nullable,
    options: kind === 'enum' ? Object.values(def.entries ?? {}).map(String) : [],
    items: kind === 'tuple' ? (def.items ?? []).map(kindOf) : [],
    fields: kind === 'object' ? describeParamFields(current) : [],
    schema: fieldSchema,
    min: kind === 'integer' || kind === 'number' ? minOf(current) : undefined,
  };
}

/** Every field of an object schema in declaration order; an empty list for anything else. */
export function describeParamFields(schema: z.ZodType): ParamField[] {
  const def = defOf(schema);
  if (def.type !== 'object' || !def.shape) return [];
  return Object.entries(def.shape).map(([name, field]) => describeParamField(name, field));
}

/** The first validation message for `value` against the field's schema, or null when it is valid. */
export function validateFieldValue(field: ParamField, value: unknown): string | null {
  const result = field.schema.safeParse(value);
  if (result.success) return null;
  return result.error.issues[0]?.message ?? 'Invalid value.';
}

/**
 * Parses a comma-separated list such as a shape (`28, 28, 1` or `None, 10`); `None` and
 * `null` become null. Returns null when an entry is not a number.
 */
export function parseNumberList(text: string): (number | null)[] | null {
  const parts = text.split(',').map((part) => part.trim()).filter((part) => part.length > 0);
  const values = parts.map((part) => (part === 'None' || part === 'null' ? null : Number(part)));
  return values.every((value) => value === null || Number.isFinite(value)) ? values : null;
}

/** Shows a value compactly on a node or in a tuple: `[3, 3]` as `3×3`. */
export function formatParamValue(value: unknown): string {
  if (value === null) return 'None';
  if (Array.isArray(value) && value.every((item) => typeof item === 'number')) return value.join('×');
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
