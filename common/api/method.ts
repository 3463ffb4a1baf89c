import type { z } from 'zod';

/**
 * One LabApi method: its input and output schemas. Every transport validates the input
 * with `input` on the receiving side, and the implementation's result with `output`.
 */
export interface MethodDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
  /** One line for `model-lab help` and the API docs. */
  description: string;
}

/** Declares a method; a function (not a literal) so the schema types are inferred. */
export function defineMethod<I extends z.ZodType, O extends z.ZodType>(def: MethodDef<I, O>): MethodDef<I, O> {
  return def;
}
