import { ONNX_ATTRIBUTE_TYPE, ONNX_DTYPE } from './onnxSchema';

/** An attribute value: ints and floats are told apart by the `kind` the caller picks. */
export type OnnxAttributeValue = { kind: 'int'; value: number } | { kind: 'float'; value: number } | { kind: 'ints'; value: number[] } | { kind: 'floats'; value: number[] } | { kind: 'string'; value: string };

/** Plain objects in the shape of the onnx messages, encoded by protobufjs. */
export interface OnnxNode { input: string[]; output: string[]; name: string; op_type: string; attribute: Record<string, unknown>[] }
export interface OnnxTensor { name: string; dims: number[]; data_type: number; raw_data?: Uint8Array; int64_data?: number[] }

/** Collects nodes and initializers with unique tensor names. */
export class OnnxGraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  private readonly used = new Set<string>();

  /** A tensor name not used before, derived from `base`. */
  unique(base: string): string {
    let name = base;
    for (let i = 1; this.used.has(name); i++) name = `${base}_${i}`;
    this.used.add(name);
    return name;
  }

  /** Reserves a name chosen elsewhere (the graph input). */
  reserve(name: string): void {
    this.used.add(name);
  }

  /** Adds a float32 initializer and returns its name. */
  floatConstant(base: string, data: Float32Array, dims: number[]): string {
    const name = this.unique(base);
    this.initializers.push({ name, dims, data_type: ONNX_DTYPE.FLOAT, raw_data: new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)) });
    return name;
  }

  /** Adds an int64 initializer (shapes, pads, slice bounds) and returns its name. */
  intConstant(base: string, values: number[]): string {
    const name = this.unique(base);
    this.initializers.push({ name, dims: [values.length], data_type: ONNX_DTYPE.INT64, int64_data: values });
    return name;
  }

  /** Adds a node with one output and returns the output's name. */
  op(opType: string, inputs: string[], base: string, attributes: Record<string, OnnxAttributeValue> = {}): string {
    const output = this.unique(base);
    this.nodes.push({ input: inputs, output: [output], name: output, op_type: opType, attribute: Object.entries(attributes).map(([name, value]) => encodeAttribute(name, value)) });
    return output;
  }
}

function encodeAttribute(name: string, attribute: OnnxAttributeValue): Record<string, unknown> {
  switch (attribute.kind) {
    case 'int':
      return { name, type: ONNX_ATTRIBUTE_TYPE.INT, i: attribute.value };
    case 'float':
      return { name, type: ONNX_ATTRIBUTE_TYPE.FLOAT, f: attribute.value };
    case 'ints':
      return { name, type: ONNX_ATTRIBUTE_TYPE.INTS, ints: attribute.value };
    case 'floats':
      return { name, type: ONNX_ATTRIBUTE_TYPE.FLOATS, floats: attribute.value };
    case 'string':
      return { name, type: ONNX_ATTRIBUTE_TYPE.STRING, s: new TextEncoder().encode(attribute.value) };
  }
}

/** Shorthands for attribute values. */
export const attr = {
  int: (value: number): OnnxAttributeValue => ({ kind: 'int', value }),
  float: (value: number): OnnxAttributeValue => ({ kind: 'float', value }),
  ints: (value: number[]): OnnxAttributeValue => ({ kind: 'ints', value }),
  string: (value: string): OnnxAttributeValue => ({ kind: 'string', value }),
};

/** Permutes a row-major float32 array of `shape` by `perm` (numpy's transpose). */
export function transposeArray(data: Float32Array, shape: readonly number[], perm: readonly number[]): { data: Float32Array; shape: number[] } {
  const rank = shape.length;
  const outShape = perm.map((axis) => shape[axis] as number);
  const inStrides = new Array<number>(rank).fill(1);
  for (let i = rank - 2; i >= 0; i--) inStrides[i] = (inStrides[i + 1] as number) * (shape[i + 1] as number);
  const out = new Float32Array(data.length);
  const index = new Array<number>(rank).fill(0);
  for (let flat = 0; flat < out.length; flat++) {
    let source = 0;
    for (let d = 0; d < rank; d++) source += (index[d] as number) * (inStrides[perm[d] as number] as number);
    out[flat] = data[source] as number;
    for (let d = rank - 1; d >= 0; d--) {
      index[d] = (index[d] as number) + 1;
      if ((index[d] as number) < (outShape[d] as number)) break;
      index[d] = 0;
    }
  }
  return { data: out, shape: outShape };
}
