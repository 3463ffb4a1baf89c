import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, type Tfjs } from '../../../main/engine/backend';
import { graphSource, type ExportSource } from '../../../main/formats/exportSource';
import { exportModelFiles } from '../../../main/formats/exportModel';
import { readLayerWeights, type LayerWeights } from '../../../main/formats/layerWeights';
import { kerasModelConfig } from '../../../main/formats/keras/kerasModelConfig';
import { generateKerasTrainingScript } from '../../../main/formats/keras/kerasScript';
import { checkKerasFileWithH5py } from '../../../main/formats/keras/h5pyCheck';
import { hyperparametersSchema } from '../../../common/training/hyperparameters';
import { buildTemplate } from '../../../common/templates';
import { randomizeWeights, smallCnnGraph } from './formatFixtures';

/** Debian's Python with h5py and onnx. */
const PYTHON = '/usr/bin/python3';

function python(code: string, ...args: string[]): string {
  return execFileSync(PYTHON, ['-c', code, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

let tf: Tfjs;
let dir: string;
let source: ExportSource;
let weights: LayerWeights[];

beforeAll(async () => {
  ({ tf } = await initBackend({ preference: 'wasm' }));
  dir = mkdtempSync(path.join(os.tmpdir(), 'formats-python-'));
  source = graphSource(smallCnnGraph(), tf, 5);
  randomizeWeights(source.model, tf, 17);
  weights = readLayerWeights(source.graph, source.model);
});

afterAll(() => {
  source.model.dispose();
  rmSync(dir, { recursive: true, force: true });
});

/** Every weight of the app's model as `layer -> [[values], shape]`, float32 values widened to numbers. */
function appWeights(): Record<string, { values: number[]; shape: number[] }[]> {
  return Object.fromEntries(weights.filter((w) => w.weights.length > 0).map((w) => [w.layer, w.weights.map((a) => ({ values: Array.from(a.data), shape: a.shape }))]));
}

const H5_DUMP = `
import h5py, json, sys
f = h5py.File(sys.argv[1], "r")
def text(v):
    return v.decode("utf8") if isinstance(v, bytes) else str(v)
mw = f["model_weights"]
layers = {}
for name in mw.attrs["layer_names"]:
    name = text(name)
    names = [text(n) for n in mw[name].attrs["weight_names"]]
    layers[name] = {"weight_names": names, "arrays": [{"values": mw[name][n][()].reshape(-1).tolist(), "shape": list(mw[name][n].shape), "dtype": str(mw[name][n].dtype)} for n in names]}
print(json.dumps({
    "root": sorted(f.attrs.keys()),
    "keras_version": text(f.attrs["keras_version"]),
    "backend": text(f.attrs["backend"]),
    "model_config": json.loads(text(f.attrs["model_config"])),
    "training_config": json.loads(text(f.attrs["training_config"])),
    "layer_names": [text(n) for n in mw.attrs["layer_names"]],
    "layers": layers,
    "model_card": json.loads(text(f.attrs["model_card"])),
}))
`;

describe('exported files read by Debian python3-h5py and python3-onnx', () => {
  it('.h5: tf.keras 2 layout, attribute JSON and every weight array equal what the app holds', async () => {
    const file = path.join(dir, 'model.h5');
    await exportModelFiles(source, { format: 'h5', outPath: file, samples: 8 });
    const dump = JSON.parse(python(H5_DUMP, file)) as {
      root: string[]; keras_version: string; backend: string; model_config: unknown; training_config: Record<string, unknown>; layer_names: string[];
      layers: Record<string, { weight_names: string[]; arrays: { values: number[]; shape: number[]; dtype: string }[] }>; model_card: unknown;
    };
    expect(dump.root).toEqual(['backend', 'keras_version', 'model_card', 'model_config', 'training_config']);
    expect(dump.model_card).toEqual(JSON.parse(readFileSync(`${file}.model-card.json`, 'utf8')));
    expect(dump.model_card).toMatchObject({ format: 'h5', modelName: 'small_cnn', verification: { runtime: expect.any(String) } });
    expect(dump.keras_version).toMatch(/^2\./);
    expect(dump.backend).toBe('tensorflow');
    expect(dump.model_config).toEqual(kerasModelConfig(source.graph, 'keras2'));
    expect(dump.training_config).toMatchObject({ loss: 'sparse_categorical_crossentropy', optimizer_config: { class_name: 'Adam', config: { learning_rate: 0.001 } } });
    expect(dump.layer_names).toEqual(['image', 'conv_a', 'bn', 'conv_b', 'add', 'conv_c', 'concat', 'pool', 'flatten', 'predictions']);
    expect(dump.layers['bn']?.weight_names).toEqual(['bn/gamma:0', 'bn/beta:0', 'bn/moving_mean:0', 'bn/moving_variance:0']);
    expect(dump.layers['add']?.weight_names).toEqual([]);
    const fromFile = Object.fromEntries(Object.entries(dump.layers).filter(([, l]) => l.arrays.length > 0).map(([name, l]) => [name, l.arrays.map((a) => ({ values: a.values, shape: a.shape }))]));
    expect(fromFile).toEqual(appWeights());
    expect(new Set(Object.values(dump.layers).flatMap((l) => l.arrays.map((a) => a.dtype)))).toEqual(new Set(['float32']));
  });

  it('.keras: zip with config.json, metadata.json and model.weights.h5 in the Keras 3 layout', async () => {
    const file = path.join(dir, 'model.keras');
    await exportModelFiles(source, { format: 'keras', outPath: file, samples: 8 });
    const dump = JSON.parse(python(`
import h5py, io, json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
w = h5py.File(io.BytesIO(z.read("model.weights.h5")), "r")
arrays = {}
w.visititems(lambda name, obj: arrays.__setitem__(name, {"values": obj[()].reshape(-1).tolist(), "shape": list(obj.shape)}) if isinstance(obj, h5py.Dataset) else None)
print(json.dumps({"names": sorted(z.namelist()), "config": json.loads(z.read("config.json")), "metadata": json.loads(z.read("metadata.json")), "arrays": arrays, "root": sorted(w.keys()), "card": json.loads(z.read("model_card.json"))}))
`, file)) as { names: string[]; config: { class_name: string }; metadata: { keras_version: string }; arrays: Record<string, { values: number[]; shape: number[] }>; root: string[]; card: unknown };
    expect(dump.names).toEqual(['config.json', 'metadata.json', 'model.weights.h5', 'model_card.json']);
    expect(dump.card).toEqual(JSON.parse(readFileSync(`${file}.model-card.json`, 'utf8')));
    expect(dump.config).toEqual(kerasModelConfig(source.graph, 'keras3'));
    expect(dump.metadata.keras_version).toMatch(/^3\./);
    expect(dump.root).toEqual(['layers', 'vars']);
    const app = appWeights();
    const expected: Record<string, { values: number[]; shape: number[] }> = {};
    const paths: Record<string, string> = { conv_a: 'conv2d', bn: 'batch_normalization', conv_b: 'conv2d_1', conv_c: 'conv2d_2', predictions: 'dense' };
    for (const [layer, arrays] of Object.entries(app)) arrays.forEach((a, i) => (expected[`layers/${paths[layer]}/vars/${i}`] = a));
    expect(dump.arrays).toEqual(expected);
  });

  it('each Keras export says what verified it: Model Lab\'s own reader, and h5py\'s structure check where Python has it', async () => {
    process.env['MODEL_LAB_PYTHON'] = PYTHON;
    try {
      const h5 = await exportModelFiles(source, { format: 'h5', outPath: path.join(dir, 'named.h5'), samples: 4 });
      expect(h5.verification?.runtime).toBe("Model Lab's Keras H5 reader");
      expect(h5.verification?.structure?.checker).toMatch(/^h5py \d+\.\d+.* \(Python 3\.\d+/);
      expect(h5.verification?.structure?.detail).toBe("Functional model config, 12 weight arrays of 5 layers with the model's shapes");
      const keras = await exportModelFiles(source, { format: 'keras', outPath: path.join(dir, 'named.keras'), samples: 4 });
      expect(keras.verification?.runtime).toBe("Model Lab's .keras reader");
      expect(keras.verification?.structure?.detail).toBe("Functional model config, 12 weight arrays of 5 layers with the model's shapes");
      const onnx = await exportModelFiles(source, { format: 'onnx', outPath: path.join(dir, 'named.onnx'), samples: 4 });
      expect(onnx.verification?.structure).toBeNull();
    } finally {
      delete process.env['MODEL_LAB_PYTHON'];
    }
  });

  it("the h5py check refuses a file whose weights differ from the model's, naming the layer", async () => {
    const file = path.join(dir, 'tampered.h5');
    await exportModelFiles(source, { format: 'h5', outPath: file, samples: 4 });
    python(`
import h5py, sys
f = h5py.File(sys.argv[1], "r+")
g = f["model_weights/predictions/predictions"]
del g["bias:0"]
g.create_dataset("bias:0", data=[0.0, 0.0])
f.close()
`, file);
    const error = await checkKerasFileWithH5py('h5', file, source.graph, weights, [PYTHON]).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'EXPORT_VERIFY_FAILED' });
    expect((error as Error).message).toContain('predictions');
    expect((error as Error).message).toContain('Received: shapes=[[216,3],[2]]');
  });

  it('without a Python that has h5py the structure check is skipped, not faked', async () => {
    expect(await checkKerasFileWithH5py('h5', path.join(dir, 'model.h5'), source.graph, weights, ['/nonexistent/python3'])).toBeNull();
  });

  it('.onnx: onnx.checker.check_model(full_check=True) accepts it; input keeps the Keras name and NHWC shape', async () => {
    const file = path.join(dir, 'model.onnx');
    await exportModelFiles(source, { format: 'onnx', outPath: file, samples: 8 });
    const dump = JSON.parse(python(`
import json, sys, onnx
m = onnx.load(sys.argv[1])
onnx.checker.check_model(m, full_check=True)
dims = lambda v: [d.dim_value if d.HasField("dim_value") else d.dim_param for d in v.type.tensor_type.shape.dim]
print(json.dumps({"opset": [o.version for o in m.opset_import], "inputs": [[i.name, dims(i)] for i in m.graph.input], "outputs": [[o.name, dims(o)] for o in m.graph.output], "ops": sorted({n.op_type for n in m.graph.node}), "metadata": {p.key: json.loads(p.value) for p in m.metadata_props}}))
`, file)) as { opset: number[]; inputs: [string, (number | string)[]][]; outputs: [string, (number | string)[]][]; ops: string[]; metadata: Record<string, unknown> };
    expect(dump.metadata).toEqual({ model_card: JSON.parse(readFileSync(`${file}.model-card.json`, 'utf8')) });
    expect(dump.opset).toEqual([17]);
    expect(dump.inputs).toEqual([['image', ['N', 12, 12, 3]]]);
    expect(dump.outputs).toEqual([['predictions_output', ['N', 3]]]);
    expect(dump.ops).toEqual(expect.arrayContaining(['Conv', 'BatchNormalization', 'MaxPool', 'Gemm', 'Add', 'Concat', 'Flatten', 'Transpose', 'Softmax']));
  });

  it('keras-script: the training script parses with Python (ast) for every schedule and with augmentation', () => {
    const schedules = [{ type: 'constant' }, { type: 'step' }, { type: 'exponential' }, { type: 'cosine', warmupSteps: 10 }, { type: 'reduce_on_plateau' }] as const;
    const optimizers = [{ name: 'adam' }, { name: 'sgd', momentum: 0.9, nesterov: true }, { name: 'adamw' }, { name: 'rmsprop' }, { name: 'adagrad' }, { name: 'adadelta' }, { name: 'adamax' }] as const;
    const graph = buildTemplate('small-resnet', {});
    optimizers.forEach((optimizer, index) => {
      const hyperparameters = hyperparametersSchema.parse({
        optimizer,
        lrSchedule: schedules[index % schedules.length],
        clipnorm: 1,
        earlyStopping: { patience: 3 },
        classWeight: index % 2 === 0 ? 'balanced' : { 0: 1, 1: 2 },
        metrics: ['accuracy', 'top_k_accuracy'],
        fromLogits: index % 2 === 1,
        augmentation: { horizontalFlip: true, rotationRange: 15, widthShiftRange: 0.1, heightShiftRange: 0.1, shearRange: 5, zoomRange: 0.2, brightnessRange: [0.8, 1.2], contrastRange: 0.2, fillMode: 'constant', cutoutSize: 0.25 },
      });
      // Every way to validate: the dataset's own split, none at all, and (no run) the default.
      const datasetSplits = [{ train: 80, validation: 10, test: 10 }, { train: 90, validation: 0, test: 10 }, null][index % 3] ?? null;
      const script = generateKerasTrainingScript({ graph, hyperparameters, preprocessing: { targetSize: [32, 32], colorMode: 'rgb', resizeMode: 'letterbox', scale: 1 / 127.5, offset: -1 }, classNames: ['cat', "dog's"], datasetSplits });
      const file = path.join(dir, `script-${index}.py`);
      writeFileSync(file, script);
      const parsed = python(`
import ast, sys
tree = ast.parse(open(sys.argv[1]).read())
print(sorted(n.name for n in tree.body if isinstance(n, ast.FunctionDef)))
`, file);
      expect(parsed).toContain("'build_model'");
      expect(parsed).toContain("'make_strategy'");
      expect(script).toContain('image_dataset_from_directory');
      expect(script).toContain('MultiWorkerMirroredStrategy');
      expect(script).toContain('keras.layers.RandomFlip("horizontal"');
    });
  });
});

