import { describe, expect, it } from 'vitest';
import { generateTfjsCode } from '../../../../common/codegen/tfjs';
import { analyzeGraph } from '../../../../common/graph/analysis';
import type { ModelGraph } from '../../../../common/graph/schema';
import { buildTemplate } from '../../../../common/templates';
import { GraphBuilder } from '../../../../common/templates/builder';
import { thrownCode } from '../templates/thrownCode';
import { runTfjsModules } from './runGenerated';
import { specialLayersGraph } from './specialGraph';
import { everyLayerTypeGraph } from './catalogGraph';
import { LAYER_CATALOG } from '../../../../common/catalog';

/** The code with every call on one line, so assertions do not depend on line wrapping. */
function oneLinePerStatement(code: string): string[] {
  return code.replace(/\(\{\n\s+/g, '({ ').replace(/,\n\}\)/g, ' })').replace(/,\n\s+/g, ', ').split('\n');
}

/** Graphs small enough to build and run in TF.js on the CPU backend within a test. */
const RUNNABLE: Record<string, ModelGraph> = {
  'mlp': buildTemplate('mlp'),
  'mnist-cnn': buildTemplate('mnist-cnn'),
  'cifar10-cnn': buildTemplate('cifar10-cnn'),
  'lenet5': buildTemplate('lenet5'),
  'small-resnet': buildTemplate('small-resnet'),
  'small-inception': buildTemplate('small-inception', { inputShape: [32, 32, 1], classes: 7 }),
  // Depthwise convolutions, asymmetric padding and ReLU6; the parameter count does not depend on the input size.
  'mobilenetv2': buildTemplate('mobilenetv2', { inputShape: [64, 64, 3], classes: 10 }),
  // Keras's smallest ResNet50 input; 23.6M weights take a few seconds to initialise.
  'resnet50': buildTemplate('resnet50', { inputShape: [32, 32, 3], classes: 10 }),
  'special': specialLayersGraph(),
  'every-layer-type': everyLayerTypeGraph().graph,
};

describe('generateTfjsCode', () => {
  it('builds and runs in TF.js with the parameter counts the analysis reports', () => {
    const facts = runTfjsModules(Object.fromEntries(Object.entries(RUNNABLE).map(([key, graph]) => [key, generateTfjsCode(graph)])));
    for (const [key, graph] of Object.entries(RUNNABLE)) {
      const analysis = analyzeGraph(graph);
      const fact = facts[key];
      expect(fact, key).toBeDefined();
      expect({ key, total: fact?.countParams, trainable: fact?.trainableParams }).toEqual({ key, total: analysis.totals.total, trainable: analysis.totals.trainable });
      const outputs = analysis.outputs.map((id) => analysis.shapes[id]);
      expect(fact?.outputShapes, key).toEqual(outputs);
      expect(fact?.predictedShape, key).toEqual(outputs[0]?.map((d) => d ?? 1));
      const expectedNames = graph.nodes.map((n) => n.name);
      if (key === 'every-layer-type') expectedNames.push('dense_leaky_relu_leaky_relu');
      if (key === 'special') {
        // The leaky_relu activation argument becomes one extra LeakyReLU layer after its layer,
        // and TF.js refuses spaces in names.
        expectedNames.push('conv-a_leaky_relu');
        expectedNames.splice(expectedNames.indexOf('1st output'), 1, '1st_output');
      }
      expect([...(fact?.layerNames ?? [])].sort(), key).toEqual(expectedNames.sort());
    }
  });

  it('covers every catalog layer type with a valid graph', () => {
    const { graph, types } = everyLayerTypeGraph();
    expect([...types].sort()).toEqual(LAYER_CATALOG.map((spec) => spec.type).sort());
    expect(analyzeGraph(graph).problems).toEqual([]);
  });

  it('writes the MNIST CNN with tf.layers calls and camelCase arguments', () => {
    const lines = oneLinePerStatement(generateTfjsCode(buildTemplate('mnist-cnn')));
    expect(lines).toContain("import * as tf from '@tensorflow/tfjs';");
    expect(lines).toContain("const input_1 = tf.input({ shape: [28, 28, 1], name: 'input_1' });");
    expect(lines).toContain("const conv2d = tf.layers.conv2d({ filters: 32, kernelSize: [3, 3], activation: 'relu', name: 'conv2d' }).apply(input_1);");
    expect(lines).toContain("const max_pooling2d = tf.layers.maxPooling2d({ name: 'max_pooling2d' }).apply(conv2d);");
    expect(lines).toContain("const model = tf.model({ inputs: input_1, outputs: dense_1, name: 'mnist_cnn' });");
    expect(lines).toContain('model.summary();');
  });

  it('expresses the layers TF.js lacks without changing what they compute', () => {
    const code = generateTfjsCode(specialLayersGraph());
    const lines = oneLinePerStatement(code);
    expect(code).toContain('class Subtract extends tf.layers.Layer {');
    expect(code).toContain('return tf.tidy(() => tf.sub(inputs[0], inputs[1]));');
    expect(lines).toContain("const diff = new Subtract({ name: 'diff' }).apply([class_layer, conv_a]);");
    expect(lines).toContain("const drop = tf.layers.dropout({ rate: 0.3, noiseShape: [null, 1, 1, null], name: 'drop' }).apply(diff);");
    expect(lines).toContain("const act = tf.layers.leakyReLU({ alpha: 0.2, name: 'act' }).apply(drop);");
    expect(lines).toContain("const conv_a_linear = tf.layers.conv2d({ filters: 4, kernelSize: [3, 3], padding: 'same', name: 'conv-a' }).apply(image);");
    expect(lines).toContain("const conv_a = tf.layers.leakyReLU({ alpha: 0.2, name: 'conv-a_leaky_relu' }).apply(conv_a_linear);");
    expect(lines).toContain(
      'const class_layer = tf.layers.conv2d({ filters: 4, kernelSize: [1, 1], kernelInitializer: tf.initializers.heNormal({}), ' +
        "kernelRegularizer: tf.regularizers.l1l2({ l1: 0, l2: 0.01 }), name: 'class', trainable: false }).apply(image);",
    );
    expect(lines).toContain("const concatenate = tf.layers.concatenate({ name: 'concatenate' }).apply([batch_normalization, image]);");
    expect(lines).toContain("// Keras name '1st output' is not a valid TF.js name; TF.js calls this layer '1st_output'.");
    expect(lines).toContain("const layer_1st_output = tf.layers.dense({ units: 3, activation: 'softmax', name: '1st_output' }).apply(global_average_pooling2d);");
  });

  it('refuses Keras arguments TF.js does not implement with EXPORT_UNSUPPORTED_LAYER', () => {
    const b = new GraphBuilder('grouped');
    const x = b.input([8, 8, 4]);
    b.layer('Conv2D', { filters: 4, kernel_size: [3, 3], groups: 2 }, x);
    expect(thrownCode(() => generateTfjsCode(b.build()))).toBe('EXPORT_UNSUPPORTED_LAYER');
  });

  it('refuses a dilated Conv2DTranspose, which TF.js would build without the dilation', () => {
    const b = new GraphBuilder('dilated');
    const x = b.input([8, 8, 4]);
    b.layer('Conv2DTranspose', { filters: 4, kernel_size: [3, 3], dilation_rate: [2, 2] }, x);
    expect(thrownCode(() => generateTfjsCode(b.build()))).toBe('EXPORT_UNSUPPORTED_LAYER');
  });

  it('leaves out a Dropout seed, as the engine does: a seeded TF.js Dropout reuses one mask on every step', () => {
    const b = new GraphBuilder('seeded');
    const x = b.input([4]);
    b.layer('Dropout', { rate: 0.25, seed: 3 }, x, 'drop');
    expect(oneLinePerStatement(generateTfjsCode(b.build()))).toContain("const drop = tf.layers.dropout({ rate: 0.25, name: 'drop' }).apply(input_1);");
  });
});
