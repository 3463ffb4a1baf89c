import { LabError, received } from '../../../common/errors';
import type { GraphNode } from '../../../common/graph/schema';
import type { Shape } from '../../../common/graph/shape';
import type { WeightArray } from '../layerWeights';
import { attr, transposeArray, type OnnxAttributeValue } from './onnxGraphBuilder';
import type { OnnxConverter, OnnxValue } from './onnxExport';

/** One layer as a lowering sees it. */
export interface OnnxLoweringInput {
  node: GraphNode;
  /** The node's params with the catalog's defaults filled in. */
  params: Record<string, unknown>;
  /** The values of its inputs, in input-index order. */
  inputs: OnnxValue[];
  /** Their Keras shapes (NHWC). */
  inputShapes: Shape[];
}

/** How one layer type becomes ONNX nodes: writes them through the converter and returns the output value. */
export interface OnnxLowering {
  lower: (converter: OnnxConverter, layer: OnnxLoweringInput) => OnnxValue;
}

/** A catalog type that has no ONNX lowering, on purpose, and why (the export error says it). */
export interface NoOnnxLowering {
  none: string;
}

type Params = Record<string, unknown>;

/** The error for a layer, or one of its arguments, that ONNX cannot express. */
export function onnxUnsupported(node: GraphNode, what: string): LabError {
  return new LabError('EXPORT_UNSUPPORTED_LAYER', `Expected layers ONNX can express; ${node.type} layer "${node.name}" uses ${what}. ${received('layer', node.name)}`, { nodeId: node.id, nodeName: node.name });
}

function lowering(lower: OnnxLowering['lower']): OnnxLowering {
  return { lower };
}

/** The single input of a one-input layer. */
function onlyInput(layer: OnnxLoweringInput): { value: OnnxValue; shape: Shape } {
  return { value: layer.inputs[0] as OnnxValue, shape: layer.inputShapes[0] ?? [] };
}

/** The `activation` argument applied to a layer's output. */
function withActivation(c: OnnxConverter, layer: OnnxLoweringInput, value: OnnxValue): OnnxValue {
  return c.activation(layer.node, value, (layer.params['activation'] as string | undefined) ?? 'linear');
}

/** The layer's bias, or `null` with `use_bias=False`. */
function bias(c: OnnxConverter, layer: OnnxLoweringInput): WeightArray | null {
  return layer.params['use_bias'] === false ? null : c.weight(layer.node, 'bias');
}

/** A depthwise kernel [kh, kw, in, mult] as a grouped-conv kernel [kh, kw, 1, in * mult] (output channel c * mult + m). */
function depthwiseAsHwio(kernel: WeightArray): WeightArray {
  const [kh, kw, channels, mult] = kernel.shape as [number, number, number, number];
  return { name: kernel.name, shape: [kh, kw, 1, channels * mult], data: kernel.data.slice() };
}

/** Keras axis of a rank-`rank` tensor mapped to the tensor's layout. */
function layoutAxis(axis: number, rank: number, nchw: boolean): number {
  const positive = axis < 0 ? axis + rank : axis;
  if (!nchw) return positive;
  return [0, 2, 3, 1][positive] as number;
}

function convTranspose(c: OnnxConverter, node: GraphNode, input: OnnxValue, inputShape: Shape, p: Params, biasWeight: WeightArray | null): OnnxValue {
  if (p['output_padding'] !== null && p['output_padding'] !== undefined) throw onnxUnsupported(node, 'output_padding');
  const kernel = c.weight(node, 'kernel');
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
  if (inputShape.length !== 4) throw onnxUnsupported(node, 'a non-image input');
  const inputs = [c.nchw(input).name, c.b.floatConstant(`${node.name}_W`, weight.data, weight.shape)];
  if (biasWeight !== null) inputs.push(c.b.floatConstant(`${node.name}_B`, biasWeight.data, biasWeight.shape));
  const name = c.b.op('ConvTranspose', inputs, node.name, { kernel_shape: attr.ints(kernelSize), strides: attr.ints(strides), dilations: attr.ints(dilations), pads: attr.ints(pads), output_padding: attr.ints(outputPadding) });
  return { name, rank: 4, nchw: true };
}

function globalPooling(opType: 'GlobalAveragePool' | 'GlobalMaxPool'): OnnxLowering {
  return lowering((c, layer) => {
    const { node, params: p } = layer;
    const pooled = c.b.op(opType, [c.nchw(onlyInput(layer).value).name], `${node.name}_pool`);
    if (p['keepdims'] === true) return { name: pooled, rank: 4, nchw: true };
    return { name: c.b.op('Flatten', [pooled], node.name, { axis: attr.int(1) }), rank: 2, nchw: false };
  });
}

/** Inference: dropout passes values through unchanged. */
const identity = lowering((_c, layer) => onlyInput(layer).value);

/** A merge: its inputs in one layout (NCHW when all are images), then `combine`. */
function merge(combine: (c: OnnxConverter, node: GraphNode, names: string[], layout: { rank: number; nchw: boolean }, p: Params) => string): OnnxLowering {
  return lowering((c, layer) => {
    const allImages = layer.inputs.every((v) => v.rank === 4);
    const aligned = layer.inputs.map((v) => (allImages ? c.nchw(v) : c.keras(v)));
    const layout = { rank: (aligned[0] as OnnxValue).rank, nchw: (aligned[0] as OnnxValue).nchw };
    return { ...layout, name: combine(c, layer.node, aligned.map((v) => v.name), layout, layer.params) };
  });
}

/** A chain of binary ops over the inputs, the last one named after the layer. */
function chain(opType: string): OnnxLowering {
  return merge((c, node, names) => names.slice(1).reduce((acc, next, i) => c.b.op(opType, [acc, next], i === names.length - 2 ? node.name : `${node.name}_${i}`), names[0] as string));
}

/** One variadic op over all the inputs. */
function variadic(opType: string): OnnxLowering {
  return merge((c, node, names) => c.b.op(opType, names, node.name));
}

/**
 * How each catalog layer type becomes ONNX (opset 17) nodes, keyed by type. A test holds
 * its keys equal to the catalog's, so a new layer type needs an entry here: a lowering,
 * or a `none` entry that says why it has none.
 */
export const ONNX_LOWERINGS: Readonly<Record<string, OnnxLowering | NoOnnxLowering>> = {
  Input: { none: 'a model input, which becomes an ONNX graph input rather than a node' },
  Rescaling: lowering((c, layer) => {
    const { node, params: p } = layer;
    const { value: first } = onlyInput(layer);
    const scaled = c.b.op('Mul', [first.name, c.b.floatConstant(`${node.name}_scale`, Float32Array.of(p['scale'] as number), [])], `${node.name}_mul`);
    return { ...first, name: c.b.op('Add', [scaled, c.b.floatConstant(`${node.name}_offset`, Float32Array.of(p['offset'] as number), [])], node.name) };
  }),
  Conv2D: lowering((c, layer) => {
    const { value, shape } = onlyInput(layer);
    return withActivation(c, layer, c.conv(layer.node, value, shape, c.weight(layer.node, 'kernel'), bias(c, layer), layer.params, layer.params['groups'] as number, ''));
  }),
  SeparableConv2D: lowering((c, layer) => {
    const { node, params: p } = layer;
    const { value, shape } = onlyInput(layer);
    const depthwise = c.weight(node, 'depthwise_kernel');
    const middle = c.conv(node, value, shape, depthwiseAsHwio(depthwise), null, p, depthwise.shape[2] as number, '_depthwise');
    const pointwise = c.conv(node, middle, [], c.weight(node, 'pointwise_kernel'), bias(c, layer), { padding: 'valid' }, 1, '');
    return withActivation(c, layer, pointwise);
  }),
  DepthwiseConv2D: lowering((c, layer) => {
    const { value, shape } = onlyInput(layer);
    const kernel = c.weight(layer.node, 'depthwise_kernel');
    return withActivation(c, layer, c.conv(layer.node, value, shape, depthwiseAsHwio(kernel), bias(c, layer), layer.params, kernel.shape[2] as number, ''));
  }),
  Conv2DTranspose: lowering((c, layer) => {
    const { value, shape } = onlyInput(layer);
    return withActivation(c, layer, convTranspose(c, layer.node, value, shape, layer.params, bias(c, layer)));
  }),
  MaxPooling2D: lowering((c, layer) => c.pool(layer.node, onlyInput(layer).value, onlyInput(layer).shape, layer.params, 'MaxPool')),
  AveragePooling2D: lowering((c, layer) => c.pool(layer.node, onlyInput(layer).value, onlyInput(layer).shape, layer.params, 'AveragePool')),
  GlobalAveragePooling2D: globalPooling('GlobalAveragePool'),
  GlobalMaxPooling2D: globalPooling('GlobalMaxPool'),
  Dense: lowering((c, layer) => {
    const { node } = layer;
    const kernel = c.weight(node, 'kernel');
    const source = c.keras(onlyInput(layer).value);
    const w = c.b.floatConstant(`${node.name}_W`, kernel.data, kernel.shape);
    const biasWeight = bias(c, layer);
    if (source.rank === 2) {
      const inputsOfGemm = [source.name, w];
      if (biasWeight !== null) inputsOfGemm.push(c.b.floatConstant(`${node.name}_B`, biasWeight.data, biasWeight.shape));
      return withActivation(c, layer, { name: c.b.op('Gemm', inputsOfGemm, node.name), rank: 2, nchw: false });
    }
    const product = c.b.op('MatMul', [source.name, w], `${node.name}_matmul`);
    const name = biasWeight === null ? product : c.b.op('Add', [product, c.b.floatConstant(`${node.name}_B`, biasWeight.data, biasWeight.shape)], node.name);
    return withActivation(c, layer, { name, rank: source.rank, nchw: false });
  }),
  // Keras flattens NHWC order, so Dense weights after it expect that order.
  Flatten: lowering((c, layer) => ({ name: c.b.op('Flatten', [c.keras(onlyInput(layer).value).name], layer.node.name, { axis: attr.int(1) }), rank: 2, nchw: false })),
  Reshape: lowering((c, layer) => {
    const { node } = layer;
    const target = layer.params['target_shape'] as number[];
    return { name: c.b.op('Reshape', [c.keras(onlyInput(layer).value).name, c.b.intConstant(`${node.name}_shape`, [0, ...target])], node.name), rank: target.length + 1, nchw: false };
  }),
  ZeroPadding2D: lowering((c, layer) => {
    const { node } = layer;
    const [[top, bottom], [left, right]] = layer.params['padding'] as [[number, number], [number, number]];
    return { name: c.b.op('Pad', [c.nchw(onlyInput(layer).value).name, c.b.intConstant(`${node.name}_pads`, [0, 0, top, left, 0, 0, bottom, right])], node.name), rank: 4, nchw: true };
  }),
  Cropping2D: lowering((c, layer) => {
    const { node } = layer;
    const { value, shape } = onlyInput(layer);
    const [[top, bottom], [left, right]] = layer.params['cropping'] as [[number, number], [number, number]];
    const [, h, w] = shape;
    if (typeof h !== 'number' || typeof w !== 'number') throw onnxUnsupported(node, 'an input of unknown size');
    const inputs4 = [c.nchw(value).name, c.b.intConstant(`${node.name}_starts`, [top, left]), c.b.intConstant(`${node.name}_ends`, [h - bottom, w - right]), c.b.intConstant(`${node.name}_axes`, [2, 3])];
    return { name: c.b.op('Slice', inputs4, node.name), rank: 4, nchw: true };
  }),
  UpSampling2D: lowering((c, layer) => {
    const { node, params: p } = layer;
    const [sh, sw] = p['size'] as [number, number];
    const nearest = p['interpolation'] === 'nearest';
    const scales = c.b.floatConstant(`${node.name}_scales`, Float32Array.of(1, 1, sh, sw), [4]);
    // TF.js resizes with align_corners and half_pixel_centers off: ONNX "asymmetric".
    const attributes: Record<string, OnnxAttributeValue> = nearest
      ? { mode: attr.string('nearest'), coordinate_transformation_mode: attr.string('asymmetric'), nearest_mode: attr.string('floor') }
      : { mode: attr.string('linear'), coordinate_transformation_mode: attr.string('asymmetric') };
    return { name: c.b.op('Resize', [c.nchw(onlyInput(layer).value).name, '', scales], node.name, attributes), rank: 4, nchw: true };
  }),
  BatchNormalization: lowering((c, layer) => {
    const { node, params: p } = layer;
    const { value: first, shape: firstShape } = onlyInput(layer);
    const axis = p['axis'] as number;
    if (axis !== -1 && axis !== first.rank - 1) throw onnxUnsupported(node, `axis ${axis} (only the channels axis)`);
    const source = first.rank === 4 ? c.nchw(first) : first;
    if (source.rank !== 2 && source.rank !== 4) throw onnxUnsupported(node, `a rank-${source.rank} input`);
    const channels = (firstShape[firstShape.length - 1] ?? 0) as number;
    const gamma = p['scale'] === false ? new Float32Array(channels).fill(1) : c.weight(node, 'gamma').data;
    const beta = p['center'] === false ? new Float32Array(channels) : c.weight(node, 'beta').data;
    const inputsOfBn = [
      source.name,
      c.b.floatConstant(`${node.name}_gamma`, gamma, [channels]),
      c.b.floatConstant(`${node.name}_beta`, beta, [channels]),
      c.b.floatConstant(`${node.name}_mean`, c.weight(node, 'moving_mean').data, [channels]),
      c.b.floatConstant(`${node.name}_var`, c.weight(node, 'moving_variance').data, [channels]),
    ];
    return { name: c.b.op('BatchNormalization', inputsOfBn, node.name, { epsilon: attr.float(p['epsilon'] as number) }), rank: source.rank, nchw: source.nchw };
  }),
  LayerNormalization: lowering((c, layer) => {
    const { node, params: p } = layer;
    const { value: first, shape: firstShape } = onlyInput(layer);
    const axes = Array.isArray(p['axis']) ? (p['axis'] as number[]) : [p['axis'] as number];
    if (axes.length !== 1 || (axes[0] !== -1 && axes[0] !== first.rank - 1)) throw onnxUnsupported(node, `axis ${JSON.stringify(p['axis'])} (only the last axis)`);
    const source = c.keras(first);
    const features = (firstShape[firstShape.length - 1] ?? 0) as number;
    const gamma = p['scale'] === false ? new Float32Array(features).fill(1) : c.weight(node, 'gamma').data;
    const beta = p['center'] === false ? new Float32Array(features) : c.weight(node, 'beta').data;
    const inputsOfLn = [source.name, c.b.floatConstant(`${node.name}_gamma`, gamma, [features]), c.b.floatConstant(`${node.name}_beta`, beta, [features])];
    return { name: c.b.op('LayerNormalization', inputsOfLn, node.name, { axis: attr.int(-1), epsilon: attr.float(p['epsilon'] as number) }), rank: source.rank, nchw: false };
  }),
  Dropout: identity,
  SpatialDropout2D: identity,
  Activation: lowering((c, layer) => c.activation(layer.node, onlyInput(layer).value, layer.params['activation'] as string)),
  ReLU: lowering((c, layer) => {
    const { node, params: p } = layer;
    const { value } = onlyInput(layer);
    const maxValue = p['max_value'] as number | null;
    const slope = p['negative_slope'] as number;
    const threshold = p['threshold'] as number;
    if (threshold !== 0) throw onnxUnsupported(node, `threshold ${threshold}`);
    let name = slope === 0 ? c.b.op('Relu', [value.name], `${node.name}_relu`) : c.b.op('LeakyRelu', [value.name], `${node.name}_leaky`, { alpha: attr.float(slope) });
    if (maxValue !== null) name = c.b.op('Min', [name, c.b.floatConstant(`${node.name}_max`, Float32Array.of(maxValue), [])], `${node.name}_clip`);
    return { ...value, name };
  }),
  LeakyReLU: lowering((c, layer) => {
    const { value } = onlyInput(layer);
    return { ...value, name: c.b.op('LeakyRelu', [value.name], layer.node.name, { alpha: attr.float(layer.params['negative_slope'] as number) }) };
  }),
  PReLU: lowering((c, layer) => {
    const { node } = layer;
    const alpha = c.weight(node, 'alpha');
    const source = c.keras(onlyInput(layer).value);
    return { ...source, name: c.b.op('PRelu', [source.name, c.b.floatConstant(`${node.name}_alpha`, alpha.data, alpha.shape)], node.name) };
  }),
  Add: chain('Add'),
  Subtract: variadic('Sub'),
  Multiply: chain('Mul'),
  Maximum: variadic('Max'),
  Average: variadic('Mean'),
  Concatenate: merge((c, node, names, layout, p) => c.b.op('Concat', names, node.name, { axis: attr.int(layoutAxis(p['axis'] as number, layout.rank, layout.nchw)) })),
};
