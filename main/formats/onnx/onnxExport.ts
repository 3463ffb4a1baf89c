import type { ModelGraph, GraphNode } from '../../../common/graph/schema';
import type { Shape } from '../../../common/graph/shape';
import { LabError, received } from '../../../common/errors';
import { analyzeGraph } from '../../../common/graph/analysis';
import { getLayerSpec, resolveLayerParams } from '../../../common/catalog';
import type { LayerWeights, WeightArray } from '../layerWeights';
import { orderedNodes } from '../layerWeights';
import { OnnxGraphBuilder, attr, transposeArray } from './onnxGraphBuilder';
import { modelProtoType, ONNX_DTYPE } from './onnxSchema';
import { ONNX_LOWERINGS, onnxUnsupported } from './onnxLowerings';

/** Opset written: 17 is the first with LayerNormalization. */
export const ONNX_OPSET = 17;
/** IR version matching opset 17. */
export const ONNX_IR_VERSION = 8;

/** A tensor during conversion; 4D tensors may be held channels-first inside the ONNX graph. */
export interface OnnxValue {
  name: string;
  rank: number;
  /** True when a 4D tensor is NCHW; Keras tensors are NHWC. */
  nchw: boolean;
}

type Params = Record<string, unknown>;

/**
 * The converter for one graph: keeps the builder, shapes and weights at hand, and the
 * helpers every lowering shares (layout changes, activations, convolution, pooling).
 */
export class OnnxConverter {
  readonly b = new OnnxGraphBuilder();
  private readonly analysis;
  private readonly weights: Map<string, WeightArray[]>;

  constructor(private readonly graph: ModelGraph, weights: readonly LayerWeights[]) {
    this.analysis = analyzeGraph(graph);
    this.weights = new Map(weights.map((entry) => [entry.layer, entry.weights]));
  }

  shape(id: string): Shape {
    return (this.analysis.shapes[id] ?? []) as Shape;
  }

  weight(node: GraphNode, name: string): WeightArray {
    const found = this.weights.get(node.name)?.find((w) => w.name === name);
    if (found === undefined) throw new LabError('INTERNAL', `Expected weight "${name}" of layer "${node.name}". ${received('weight', name)}`, { nodeName: node.name });
    return found;
  }

  /** The tensor in NCHW (4D) form. */
  nchw(value: OnnxValue): OnnxValue {
    if (value.rank !== 4 || value.nchw) return value;
    return { name: this.b.op('Transpose', [value.name], `${value.name}_nchw`, { perm: attr.ints([0, 3, 1, 2]) }), rank: 4, nchw: true };
  }

  /** The tensor in Keras (NHWC) form. */
  keras(value: OnnxValue): OnnxValue {
    if (!value.nchw) return value;
    return { name: this.b.op('Transpose', [value.name], `${value.name}_nhwc`, { perm: attr.ints([0, 2, 3, 1]) }), rank: 4, nchw: false };
  }

  activation(node: GraphNode, value: OnnxValue, activation: string): OnnxValue {
    const b = this.b;
    const out = (name: string): OnnxValue => ({ ...value, name });
    const base = node.name;
    switch (activation) {
      case 'linear':
        return value;
      case 'relu':
        return out(b.op('Relu', [value.name], `${base}_relu`));
      case 'relu6':
        return out(b.op('Clip', [value.name, b.floatConstant(`${base}_min`, Float32Array.of(0), []), b.floatConstant(`${base}_max`, Float32Array.of(6), [])], `${base}_relu6`));
      case 'leaky_relu':
        // Keras's leaky_relu activation uses negative_slope 0.2.
        return out(b.op('LeakyRelu', [value.name], `${base}_leaky_relu`, { alpha: attr.float(0.2) }));
      case 'elu':
        return out(b.op('Elu', [value.name], `${base}_elu`, { alpha: attr.float(1) }));
      case 'selu':
        return out(b.op('Selu', [value.name], `${base}_selu`, { alpha: attr.float(1.6732632423543772), gamma: attr.float(1.0507009873554805) }));
      case 'gelu': {
        // Exact GELU: 0.5 * x * (1 + erf(x / sqrt(2))); opset 17 has no Gelu op.
        const scaled = b.op('Mul', [value.name, b.floatConstant(`${base}_rsqrt2`, Float32Array.of(Math.SQRT1_2), [])], `${base}_gelu_scaled`);
        const erf = b.op('Erf', [scaled], `${base}_gelu_erf`);
        const onePlus = b.op('Add', [erf, b.floatConstant(`${base}_one`, Float32Array.of(1), [])], `${base}_gelu_1p`);
        const half = b.op('Mul', [value.name, b.floatConstant(`${base}_half`, Float32Array.of(0.5), [])], `${base}_gelu_half`);
        return out(b.op('Mul', [half, onePlus], `${base}_gelu`));
      }
      case 'swish':
        return out(b.op('Mul', [value.name, b.op('Sigmoid', [value.name], `${base}_swish_sigmoid`)], `${base}_swish`));
      case 'tanh':
        return out(b.op('Tanh', [value.name], `${base}_tanh`));
      case 'sigmoid':
        return out(b.op('Sigmoid', [value.name], `${base}_sigmoid`));
      case 'softmax':
        return out(b.op('Softmax', [value.name], `${base}_softmax`, { axis: attr.int(value.nchw ? 1 : -1) }));
      default:
        throw onnxUnsupported(node, `activation "${activation}"`);
    }
  }

  /** Explicit pads [top, left, bottom, right] of TF's SAME padding for a static input. */
  samePads(node: GraphNode, input: Shape, kernel: number[], strides: number[], dilation: number[]): number[] {
    const begin: number[] = [];
    const end: number[] = [];
    for (let axis = 0; axis < 2; axis++) {
      const size = input[axis + 1];
      if (typeof size !== 'number') throw onnxUnsupported(node, "'same' padding on an input of unknown size");
      const stride = strides[axis] as number;
      const effective = ((kernel[axis] as number) - 1) * (dilation[axis] as number) + 1;
      const total = Math.max((Math.ceil(size / stride) - 1) * stride + effective - size, 0);
      begin.push(Math.floor(total / 2));
      end.push(total - Math.floor(total / 2));
    }
    return [...begin, ...end];
  }

  /** Conv with a Keras HWIO kernel ([kh, kw, in, out]); `group` for depthwise. */
  conv(node: GraphNode, input: OnnxValue, inputShape: Shape, kernel: WeightArray, bias: WeightArray | null, p: Params, group: number, suffix: string): OnnxValue {
    const kernelSize = [kernel.shape[0] as number, kernel.shape[1] as number];
    const strides = (p['strides'] as number[] | undefined) ?? [1, 1];
    const dilations = (p['dilation_rate'] as number[] | undefined) ?? [1, 1];
    const oihw = transposeArray(kernel.data, kernel.shape, [3, 2, 0, 1]);
    const inputs = [this.nchw(input).name, this.b.floatConstant(`${node.name}${suffix}_W`, oihw.data, oihw.shape)];
    if (bias !== null) inputs.push(this.b.floatConstant(`${node.name}${suffix}_B`, bias.data, bias.shape));
    const pads = p['padding'] === 'same' ? this.samePads(node, inputShape, kernelSize, strides, dilations) : [0, 0, 0, 0];
    const name = this.b.op('Conv', inputs, `${node.name}${suffix}`, { kernel_shape: attr.ints(kernelSize), strides: attr.ints(strides), dilations: attr.ints(dilations), pads: attr.ints(pads), group: attr.int(group) });
    return { name, rank: 4, nchw: true };
  }

  pool(node: GraphNode, input: OnnxValue, inputShape: Shape, p: Params, opType: 'MaxPool' | 'AveragePool'): OnnxValue {
    const kernel = p['pool_size'] as number[];
    const strides = (p['strides'] as number[] | null) ?? kernel;
    const pads = p['padding'] === 'same' ? this.samePads(node, inputShape, kernel, strides, [1, 1]) : [0, 0, 0, 0];
    const attributes = { kernel_shape: attr.ints(kernel), strides: attr.ints(strides), pads: attr.ints(pads) };
    return { name: this.b.op(opType, [this.nchw(input).name], node.name, opType === 'AveragePool' ? { ...attributes, count_include_pad: attr.int(0) } : attributes), rank: 4, nchw: true };
  }

  /** Lowers one layer through its entry in ONNX_LOWERINGS. */
  layer(node: GraphNode, inputs: OnnxValue[], inputShapes: Shape[]): OnnxValue {
    const lowering = ONNX_LOWERINGS[node.type];
    if (lowering === undefined) throw onnxUnsupported(node, 'a layer type with no ONNX mapping');
    if ('none' in lowering) throw onnxUnsupported(node, lowering.none);
    const params = resolveLayerParams(getLayerSpec(node.type), node.params).params;
    return lowering.lower(this, { node, params, inputs, inputShapes });
  }

  /** Encodes the whole model. */
  convert(producerVersion: string): Uint8Array {
    const values = new Map<string, OnnxValue>();
    const graphInputs: Record<string, unknown>[] = [];
    const incoming = (id: string) => this.graph.edges.filter((e) => e.target === id).sort((a, c) => a.targetIndex - c.targetIndex);
    for (const node of orderedNodes(this.graph)) {
      if (node.type === 'Input') {
        this.b.reserve(node.name);
        const shape = this.shape(node.id);
        graphInputs.push(valueInfo(node.name, shape));
        values.set(node.id, { name: node.name, rank: shape.length, nchw: false });
        continue;
      }
      const edges = incoming(node.id);
      const inputValues = edges.map((edge) => values.get(edge.source) as OnnxValue);
      const inputShapes = edges.map((edge) => this.shape(edge.source));
      values.set(node.id, this.layer(node, inputValues, inputShapes));
    }
    const byId = new Map(this.graph.nodes.map((n) => [n.id, n]));
    const graphOutputs = this.analysis.outputs
      .filter((id) => byId.get(id)?.type !== 'Input')
      .map((id) => {
        const node = byId.get(id) as GraphNode;
        const value = this.keras(values.get(id) as OnnxValue);
        // The output keeps the Keras layer's name, so users find it by the name they know.
        const name = this.b.op('Identity', [value.name], `${node.name}_output`);
        return valueInfo(name, this.shape(id));
      });
    const model = {
      ir_version: ONNX_IR_VERSION,
      producer_name: 'Model Lab',
      producer_version: producerVersion,
      opset_import: [{ domain: '', version: ONNX_OPSET }],
      graph: { name: this.graph.name, node: this.b.nodes, initializer: this.b.initializers, input: graphInputs, output: graphOutputs },
    };
    const type = modelProtoType();
    return type.encode(type.fromObject(model)).finish();
  }
}

function valueInfo(name: string, shape: Shape): Record<string, unknown> {
  const dim = shape.map((d, index) => (typeof d === 'number' ? { dim_value: d } : { dim_param: index === 0 ? 'N' : `d${index}` }));
  return { name, type: { tensor_type: { elem_type: ONNX_DTYPE.FLOAT, shape: { dim } } } };
}

/**
 * Converts a graph and its weights to an ONNX model (opset 17). The input keeps the Keras
 * name and NHWC shape; image tensors run channels-first inside and go back to NHWC before
 * Flatten, Reshape, Dense and the outputs, so Dense weights and results match Keras.
 *
 * @throws LabError `EXPORT_UNSUPPORTED_LAYER` naming a layer ONNX cannot express.
 */
export function graphToOnnx(graph: ModelGraph, weights: readonly LayerWeights[], producerVersion: string): Uint8Array {
  return new OnnxConverter(graph, weights).convert(producerVersion);
}
