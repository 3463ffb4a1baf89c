import type { ModelGraph, GraphNode } from '../../../common/graph/schema';
import type { Shape } from '../../../common/graph/shape';
import { LabError, received } from '../../../common/errors';
import { analyzeGraph } from '../../../common/graph/analysis';
import { getLayerSpec, resolveLayerParams } from '../../../common/catalog';
import type { LayerWeights, WeightArray } from '../layerWeights';
import { orderedNodes } from '../layerWeights';
import { OnnxGraphBuilder, attr, transposeArray, type OnnxAttributeValue } from './onnxGraphBuilder';
import { modelProtoType, ONNX_DTYPE } from './onnxSchema';

/** Opset written: 17 is the first with LayerNormalization. */
export const ONNX_OPSET = 17;
/** IR version matching opset 17. */
export const ONNX_IR_VERSION = 8;

/** A tensor during conversion; 4D tensors may be held channels-first inside the ONNX graph. */
interface Value {
  name: string;
  rank: number;
  /** True when a 4D tensor is NCHW; Keras tensors are NHWC. */
  nchw: boolean;
}

type Params = Record<string, unknown>;

function unsupported(node: GraphNode, what: string): LabError {
  return new LabError('EXPORT_UNSUPPORTED_LAYER', `Expected layers ONNX can express; ${node.type} layer "${node.name}" uses ${what}. ${received('layer', node.name)}`, { nodeId: node.id, nodeName: node.name });
}

/** The converter for one graph: keeps the builder, shapes and weights at hand. */
class OnnxConverter {
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
  nchw(value: Value): Value {
    if (value.rank !== 4 || value.nchw) return value;
    return { name: this.b.op('Transpose', [value.name], `${value.name}_nchw`, { perm: attr.ints([0, 3, 1, 2]) }), rank: 4, nchw: true };
  }

  /** The tensor in Keras (NHWC) form. */
  keras(value: Value): Value {
    if (!value.nchw) return value;
    return { name: this.b.op('Transpose', [value.name], `${value.name}_nhwc`, { perm: attr.ints([0, 2, 3, 1]) }), rank: 4, nchw: false };
  }

  activation(node: GraphNode, value: Value, activation: string): Value {
    const b = this.b;
    const out = (name: string): Value => ({ ...value, name });
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
        throw unsupported(node, `activation "${activation}"`);
    }
  }

  /** Explicit pads [top, left, bottom, right] of TF's SAME padding for a static input. */
  samePads(node: GraphNode, input: Shape, kernel: number[], strides: number[], dilation: number[]): number[] {
    const begin: number[] = [];
    const end: number[] = [];
    for (let axis = 0; axis < 2; axis++) {
      const size = input[axis + 1];
      if (typeof size !== 'number') throw unsupported(node, "'same' padding on an input of unknown size");
      const stride = strides[axis] as number;
      const effective = ((kernel[axis] as number) - 1) * (dilation[axis] as number) + 1;
      const total = Math.max((Math.ceil(size / stride) - 1) * stride + effective - size, 0);
      begin.push(Math.floor(total / 2));
      end.push(total - Math.floor(total / 2));
    }
    return [...begin, ...end];
  }

  /** Conv with a Keras HWIO kernel ([kh, kw, in, out]); `group` for depthwise. */
  conv(node: GraphNode, input: Value, inputShape: Shape, kernel: WeightArray, bias: WeightArray | null, p: Params, group: number, suffix: string): Value {
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

  /** A depthwise kernel [kh, kw, in, mult] as a grouped-conv kernel [kh, kw, 1, in * mult] (output channel c * mult + m). */
  static depthwiseAsHwio(kernel: WeightArray): WeightArray {
    const [kh, kw, channels, mult] = kernel.shape as [number, number, number, number];
    return { name: kernel.name, shape: [kh, kw, 1, channels * mult], data: kernel.data.slice() };
  }

  pool(node: GraphNode, input: Value, inputShape: Shape, p: Params, opType: 'MaxPool' | 'AveragePool'): Value {
    const kernel = p['pool_size'] as number[];
    const strides = (p['strides'] as number[] | null) ?? kernel;
    const pads = p['padding'] === 'same' ? this.samePads(node, inputShape, kernel, strides, [1, 1]) : [0, 0, 0, 0];
    const attributes = { kernel_shape: attr.ints(kernel), strides: attr.ints(strides), pads: attr.ints(pads) };
    return { name: this.b.op(opType, [this.nchw(input).name], node.name, opType === 'AveragePool' ? { ...attributes, count_include_pad: attr.int(0) } : attributes), rank: 4, nchw: true };
  }

  /** Keras axis of a rank-`rank` tensor mapped to the tensor's layout. */
  static axis(axis: number, rank: number, nchw: boolean): number {
    const positive = axis < 0 ? axis + rank : axis;
    if (!nchw) return positive;
    return [0, 2, 3, 1][positive] as number;
  }

  layer(node: GraphNode, inputs: Value[], inputShapes: Shape[]): Value {
    const spec = getLayerSpec(node.type);
    const p = resolveLayerParams(spec, node.params).params;
    const b = this.b;
    const [first] = inputs as [Value];
    const firstShape = inputShapes[0] ?? [];
    const withActivation = (value: Value): Value => this.activation(node, value, (p['activation'] as string | undefined) ?? 'linear');
    const bias = (): WeightArray | null => (p['use_bias'] === false ? null : this.weight(node, 'bias'));
    switch (node.type) {
      case 'Rescaling': {
        const scaled = b.op('Mul', [first.name, b.floatConstant(`${node.name}_scale`, Float32Array.of(p['scale'] as number), [])], `${node.name}_mul`);
        return { ...first, name: b.op('Add', [scaled, b.floatConstant(`${node.name}_offset`, Float32Array.of(p['offset'] as number), [])], node.name) };
      }
      case 'Conv2D':
        return withActivation(this.conv(node, first, firstShape, this.weight(node, 'kernel'), bias(), p, p['groups'] as number, ''));
      case 'DepthwiseConv2D': {
        const kernel = this.weight(node, 'depthwise_kernel');
        return withActivation(this.conv(node, first, firstShape, OnnxConverter.depthwiseAsHwio(kernel), bias(), p, kernel.shape[2] as number, ''));
      }
      case 'SeparableConv2D': {
        const depthwise = this.weight(node, 'depthwise_kernel');
        const middle = this.conv(node, first, firstShape, OnnxConverter.depthwiseAsHwio(depthwise), null, p, depthwise.shape[2] as number, '_depthwise');
        const pointwise = this.conv(node, middle, [], this.weight(node, 'pointwise_kernel'), bias(), { padding: 'valid' }, 1, '');
        return withActivation(pointwise);
      }
      case 'Conv2DTranspose':
        return withActivation(this.convTranspose(node, first, firstShape, p, bias()));
      case 'MaxPooling2D':
        return this.pool(node, first, firstShape, p, 'MaxPool');
      case 'AveragePooling2D':
        return this.pool(node, first, firstShape, p, 'AveragePool');
      case 'GlobalAveragePooling2D':
      case 'GlobalMaxPooling2D': {
        const pooled = b.op(node.type === 'GlobalAveragePooling2D' ? 'GlobalAveragePool' : 'GlobalMaxPool', [this.nchw(first).name], `${node.name}_pool`);
        if (p['keepdims'] === true) return { name: pooled, rank: 4, nchw: true };
        return { name: b.op('Flatten', [pooled], node.name, { axis: attr.int(1) }), rank: 2, nchw: false };
      }
      case 'Dense': {
        const kernel = this.weight(node, 'kernel');
        const source = this.keras(first);
        const w = b.floatConstant(`${node.name}_W`, kernel.data, kernel.shape);
        const biasWeight = bias();
        if (source.rank === 2) {
          const inputsOfGemm = [source.name, w];
          if (biasWeight !== null) inputsOfGemm.push(b.floatConstant(`${node.name}_B`, biasWeight.data, biasWeight.shape));
          return withActivation({ name: b.op('Gemm', inputsOfGemm, node.name), rank: 2, nchw: false });
        }
        const product = b.op('MatMul', [source.name, w], `${node.name}_matmul`);
        const name = biasWeight === null ? product : b.op('Add', [product, b.floatConstant(`${node.name}_B`, biasWeight.data, biasWeight.shape)], node.name);
        return withActivation({ name, rank: source.rank, nchw: false });
      }
      case 'Flatten':
        // Keras flattens NHWC order, so Dense weights after it expect that order.
        return { name: b.op('Flatten', [this.keras(first).name], node.name, { axis: attr.int(1) }), rank: 2, nchw: false };
      case 'Reshape': {
        const target = p['target_shape'] as number[];
        return { name: b.op('Reshape', [this.keras(first).name, b.intConstant(`${node.name}_shape`, [0, ...target])], node.name), rank: target.length + 1, nchw: false };
      }
      case 'ZeroPadding2D': {
        const [[top, bottom], [left, right]] = p['padding'] as [[number, number], [number, number]];
        return { name: b.op('Pad', [this.nchw(first).name, b.intConstant(`${node.name}_pads`, [0, 0, top, left, 0, 0, bottom, right])], node.name), rank: 4, nchw: true };
      }
      case 'Cropping2D': {
        const [[top, bottom], [left, right]] = p['cropping'] as [[number, number], [number, number]];
        const [, h, w] = firstShape;
        if (typeof h !== 'number' || typeof w !== 'number') throw unsupported(node, 'an input of unknown size');
        const inputs4 = [this.nchw(first).name, b.intConstant(`${node.name}_starts`, [top, left]), b.intConstant(`${node.name}_ends`, [h - bottom, w - right]), b.intConstant(`${node.name}_axes`, [2, 3])];
        return { name: b.op('Slice', inputs4, node.name), rank: 4, nchw: true };
      }
      case 'UpSampling2D': {
        const [sh, sw] = p['size'] as [number, number];
        const nearest = p['interpolation'] === 'nearest';
        const scales = b.floatConstant(`${node.name}_scales`, Float32Array.of(1, 1, sh, sw), [4]);
        // TF.js resizes with align_corners and half_pixel_centers off: ONNX "asymmetric".
        const attributes: Record<string, OnnxAttributeValue> = nearest
          ? { mode: attr.string('nearest'), coordinate_transformation_mode: attr.string('asymmetric'), nearest_mode: attr.string('floor') }
          : { mode: attr.string('linear'), coordinate_transformation_mode: attr.string('asymmetric') };
        return { name: b.op('Resize', [this.nchw(first).name, '', scales], node.name, attributes), rank: 4, nchw: true };
      }
      case 'BatchNormalization': {
        const axis = p['axis'] as number;
        if (axis !== -1 && axis !== first.rank - 1) throw unsupported(node, `axis ${axis} (only the channels axis)`);
        const source = first.rank === 4 ? this.nchw(first) : first;
        if (source.rank !== 2 && source.rank !== 4) throw unsupported(node, `a rank-${source.rank} input`);
        const channels = (firstShape[firstShape.length - 1] ?? 0) as number;
        const gamma = p['scale'] === false ? new Float32Array(channels).fill(1) : this.weight(node, 'gamma').data;
        const beta = p['center'] === false ? new Float32Array(channels) : this.weight(node, 'beta').data;
        const inputsOfBn = [
          source.name,
          b.floatConstant(`${node.name}_gamma`, gamma, [channels]),
          b.floatConstant(`${node.name}_beta`, beta, [channels]),
          b.floatConstant(`${node.name}_mean`, this.weight(node, 'moving_mean').data, [channels]),
          b.floatConstant(`${node.name}_var`, this.weight(node, 'moving_variance').data, [channels]),
        ];
        return { name: b.op('BatchNormalization', inputsOfBn, node.name, { epsilon: attr.float(p['epsilon'] as number) }), rank: source.rank, nchw: source.nchw };
      }
      case 'LayerNormalization': {
        const axes = Array.isArray(p['axis']) ? (p['axis'] as number[]) : [p['axis'] as number];
        if (axes.length !== 1 || (axes[0] !== -1 && axes[0] !== first.rank - 1)) throw unsupported(node, `axis ${JSON.stringify(p['axis'])} (only the last axis)`);
        const source = this.keras(first);
        const features = (firstShape[firstShape.length - 1] ?? 0) as number;
        const gamma = p['scale'] === false ? new Float32Array(features).fill(1) : this.weight(node, 'gamma').data;
        const beta = p['center'] === false ? new Float32Array(features) : this.weight(node, 'beta').data;
        const inputsOfLn = [source.name, b.floatConstant(`${node.name}_gamma`, gamma, [features]), b.floatConstant(`${node.name}_beta`, beta, [features])];
        return { name: b.op('LayerNormalization', inputsOfLn, node.name, { axis: attr.int(-1), epsilon: attr.float(p['epsilon'] as number) }), rank: source.rank, nchw: false };
      }
      case 'Dropout':
      case 'SpatialDropout2D':
        // Inference: dropout passes values through unchanged.
        return first;
      case 'Activation':
        return this.activation(node, first, p['activation'] as string);
      case 'ReLU':
        return this.relu(node, first, p);
      case 'LeakyReLU':
        return { ...first, name: b.op('LeakyRelu', [first.name], node.name, { alpha: attr.float(p['negative_slope'] as number) }) };
      case 'PReLU': {
        const alpha = this.weight(node, 'alpha');
        const source = this.keras(first);
        return { ...source, name: b.op('PRelu', [source.name, b.floatConstant(`${node.name}_alpha`, alpha.data, alpha.shape)], node.name) };
      }
      case 'Add':
      case 'Subtract':
      case 'Multiply':
      case 'Maximum':
      case 'Average':
      case 'Concatenate':
        return this.merge(node, inputs, p);
      default:
        throw unsupported(node, 'a layer type with no ONNX mapping');
    }
  }

  relu(node: GraphNode, value: Value, p: Params): Value {
    const b = this.b;
    const maxValue = p['max_value'] as number | null;
    const slope = p['negative_slope'] as number;
    const threshold = p['threshold'] as number;
    if (threshold !== 0) throw unsupported(node, `threshold ${threshold}`);
    let name = slope === 0 ? b.op('Relu', [value.name], `${node.name}_relu`) : b.op('LeakyRelu', [value.name], `${node.name}_leaky`, { alpha: attr.float(slope) });
    if (maxValue !== null) name = b.op('Min', [name, b.floatConstant(`${node.name}_max`, Float32Array.of(maxValue), [])], `${node.name}_clip`);
    return { ...value, name };
  }

  convTranspose(node: GraphNode, input: Value, inputShape: Shape, p: Params, bias: WeightArray | null): Value {
    if (p['output_padding'] !== null && p['output_padding'] !== undefined) throw unsupported(node, 'output_padding');
    const kernel = this.weight(node, 'kernel');
    const kernelSize = [kernel.shape[0] as number, kernel.shape[1] as number];
    const strides = p['strides'] as number[];
    const dilations = p['dilation_rate'] as number[];
    // Keras [kh, kw, out, in] -> ONNX ConvTranspose [in, out, kh, kw].
    const weight = transposeArray(kernel.data, kernel.shape, [3, 2, 0, 1]);
    const pads = [0, 0, 0, 0];
    const outputPadding = [0, 0];
    if (p['padding'] === 'same') {
      for (let axis = 0; axis < 2; axis++) {
        const effective = ((kernelSize[axis] as number) - 1) * (dilations[axis] as number) + 1;
        const total = effective - (strides[axis] as number);
        if (total >= 0) {
          pads[axis] = Math.floor(total / 2);
          pads[axis + 2] = total - Math.floor(total / 2);
        } else {
          outputPadding[axis] = -total;
        }
      }
    }
    if (inputShape.length !== 4) throw unsupported(node, 'a non-image input');
    const inputs = [this.nchw(input).name, this.b.floatConstant(`${node.name}_W`, weight.data, weight.shape)];
    if (bias !== null) inputs.push(this.b.floatConstant(`${node.name}_B`, bias.data, bias.shape));
    const name = this.b.op('ConvTranspose', inputs, node.name, { kernel_shape: attr.ints(kernelSize), strides: attr.ints(strides), dilations: attr.ints(dilations), pads: attr.ints(pads), output_padding: attr.ints(outputPadding) });
    return { name, rank: 4, nchw: true };
  }

  merge(node: GraphNode, inputs: Value[], p: Params): Value {
    const b = this.b;
    const allImages = inputs.every((v) => v.rank === 4);
    const aligned = inputs.map((v) => (allImages ? this.nchw(v) : this.keras(v)));
    const names = aligned.map((v) => v.name);
    const layout = { rank: (aligned[0] as Value).rank, nchw: (aligned[0] as Value).nchw };
    const chain = (opType: string): string => names.slice(1).reduce((acc, next, i) => b.op(opType, [acc, next], i === names.length - 2 ? node.name : `${node.name}_${i}`), names[0] as string);
    switch (node.type) {
      case 'Add':
        return { ...layout, name: chain('Add') };
      case 'Subtract':
        return { ...layout, name: b.op('Sub', names, node.name) };
      case 'Multiply':
        return { ...layout, name: chain('Mul') };
      case 'Maximum':
        return { ...layout, name: b.op('Max', names, node.name) };
      case 'Average':
        return { ...layout, name: b.op('Mean', names, node.name) };
      default: {
        const axis = OnnxConverter.axis(p['axis'] as number, layout.rank, layout.nchw);
        return { ...layout, name: b.op('Concat', names, node.name, { axis: attr.int(axis) }) };
      }
    }
  }

  /** Encodes the whole model. */
  convert(producerVersion: string): Uint8Array {
    const values = new Map<string, Value>();
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
      const inputValues = edges.map((edge) => values.get(edge.source) as Value);
      const inputShapes = edges.map((edge) => this.shape(edge.source));
      values.set(node.id, this.layer(node, inputValues, inputShapes));
    }
    const byId = new Map(this.graph.nodes.map((n) => [n.id, n]));
    const graphOutputs = this.analysis.outputs
      .filter((id) => byId.get(id)?.type !== 'Input')
      .map((id) => {
        const node = byId.get(id) as GraphNode;
        const value = this.keras(values.get(id) as Value);
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
