import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { kerasModelLayout } from '../../../common/graph/kerasOrder';
import type { ModelGraph } from '../../../common/graph/schema';
import { getLayerSpec, resolveLayerParams } from '../../../common/catalog';
import { nodeInputShapes } from '../../../main/formats/layerWeights';

/** Debian's Python, which has h5py (the `python3` first on PATH may not). */
const PYTHON = '/usr/bin/python3';
const SCRIPT = path.resolve(__dirname, '../../fixtures/formats/keras_application_weights.py');

/** One layer of a weights file to write: its name and its weights' Keras names and shapes. */
export type FileLayerSpec = [string, Array<[string, number[]]>];

/** A file for `keras_application_weights.py` to write. */
export type WeightsFileSpec =
  | { path: string; architecture: 'vgg16'; include_top: boolean; size?: number; classes?: number; weight_names?: 'keras1' | 'keras2' }
  | { path: string; layers: FileLayerSpec[]; weight_names?: 'keras1' | 'keras2'; values_for?: string[] };

/** A NumPy reference computed by the script for the first layers of a written file. */
export type ReferenceSpec =
  | { kind: 'vgg_block1'; file: string; size: number; count: number }
  | { kind: 'inception_stem'; file: string; conv: string; bn: string; size: number; count: number };

export interface Reference {
  input: number[];
  inputShape: number[];
  output: number[];
  outputShape: number[];
}

/** Writes the files with h5py and returns the references, in order. */
export function writeWeightsFiles(dir: string, files: WeightsFileSpec[], references: ReferenceSpec[]): Reference[] {
  const specPath = path.join(dir, 'spec.json');
  writeFileSync(specPath, JSON.stringify({ seed: 7, files, references }));
  return JSON.parse(execFileSync(PYTHON, [SCRIPT, specPath], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 })) as Reference[];
}

/**
 * Every layer of a graph in Keras's `model.layers` order (the order of `layer_names`) with its
 * weights' Keras names and shapes, as a weights file of that model lists them.
 */
export function fileLayersOf(graph: ModelGraph, rename: (name: string) => string = (name) => name): FileLayerSpec[] {
  const inputShapes = nodeInputShapes(graph);
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  return kerasModelLayout(graph).order.map((id) => {
    const node = byId.get(id);
    if (!node) throw new Error(`no node ${id}`);
    if (node.type === 'Input') return [rename(node.name), []];
    const spec = getLayerSpec(node.type);
    const weights = spec.weights(inputShapes.get(id) ?? [], resolveLayerParams(spec, node.params).params);
    return [rename(node.name), weights.map((weight): [string, number[]] => [weight.name, weight.shape])];
  });
}

/** Automatically named layer types, whose names Keras 2.0 numbered from 1 (`conv2d_1` for today's `conv2d`). */
const AUTO_NAMED = /^(conv2d|batch_normalization|activation|max_pooling2d|average_pooling2d|concatenate)(?:_(\d+))?$/;

/** Today's automatic name as Keras 2.0 wrote it into the published InceptionV3 files. */
export function keras20Name(name: string): string {
  const match = AUTO_NAMED.exec(name);
  if (!match) return name;
  return `${match[1]}_${match[2] === undefined ? 1 : Number(match[2]) + 1}`;
}
