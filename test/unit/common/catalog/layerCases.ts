import { expect } from 'vitest';
import type { Shape } from '../../../../common/graph/shape';
import { getLayerSpec, layerParamCount, resolveLayerParams } from '../../../../common/catalog';
import type { LabErrorCode } from '../../../../common/errors';

/**
 * One row of a catalog table, in the manner of Keras's conv_test.py: arguments, input
 * shapes, and the output shape and parameter counts Keras reports for them.
 */
export interface ShapeCase {
  params: Record<string, unknown>;
  inputs: Shape[];
  output: Shape;
  trainable: number;
  nonTrainable?: number;
}

/** Resolves params, failing the test on any parameter error. */
export function resolved(type: string, raw: Record<string, unknown>): Record<string, unknown> {
  const { params, errors } = resolveLayerParams(getLayerSpec(type), raw);
  expect(errors.map((e) => e.message)).toEqual([]);
  return params;
}

/** Checks one table row: output shape and trainable / non-trainable counts. */
export function checkShapeCase(type: string, row: ShapeCase): void {
  const spec = getLayerSpec(type);
  const params = resolved(type, row.params);
  expect(spec.outputShape(row.inputs, params)).toEqual(row.output);
  expect(layerParamCount(spec, row.inputs, params, true)).toEqual({ trainable: row.trainable, nonTrainable: row.nonTrainable ?? 0 });
}

/** The codes of the parameter errors `raw` produces (empty when valid). */
export function paramErrorCodes(type: string, raw: Record<string, unknown>): { code: LabErrorCode; field: unknown }[] {
  return resolveLayerParams(getLayerSpec(type), raw).errors.map((e) => ({ code: e.code, field: e.details?.field }));
}

/** Runs `outputShape` and returns the code of the error it throws (or 'none'). */
export function shapeErrorCode(type: string, raw: Record<string, unknown>, inputs: Shape[]): string {
  const params = resolved(type, raw);
  try {
    getLayerSpec(type).outputShape(inputs, params);
    return 'none';
  } catch (error) {
    return (error as { code?: string }).code ?? 'not a LabError';
  }
}
