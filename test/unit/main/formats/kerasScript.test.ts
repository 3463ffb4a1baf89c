import { describe, expect, it } from 'vitest';
import { hyperparametersSchema } from '../../../../common/training/hyperparameters';
import { buildTemplate } from '../../../../common/templates';
import { GraphBuilder } from '../../../../common/templates/builder';
import { generateKerasTrainingScript } from '../../../../main/formats/keras/kerasScript';

describe('generateKerasTrainingScript', () => {
  it('takes size and colour mode from the model input when there is no dataset', () => {
    const script = generateKerasTrainingScript({ graph: buildTemplate('mnist-cnn', {}), hyperparameters: hyperparametersSchema.parse({}), preprocessing: null, classNames: null, datasetSplits: null });
    expect(script).toContain('IMAGE_SIZE = (28, 28)');
    expect(script).toContain('COLOR_MODE = "grayscale"');
    expect(script).toContain('CLASS_NAMES = None');
    expect(script).not.toContain('def augment(');
  });

  it("reproduces the run's preprocessing, optimizer, schedule and strategy switch", () => {
    const hyperparameters = hyperparametersSchema.parse({
      optimizer: { name: 'sgd', learningRate: 0.05, momentum: 0.9, nesterov: true },
      lrSchedule: { type: 'exponential', decaySteps: 100, decayRate: 0.5 },
      batchSize: 64,
      epochs: 7,
      augmentation: { verticalFlip: true, contrastRange: 0.1 },
    });
    const script = generateKerasTrainingScript({
      graph: buildTemplate('cifar10-cnn', {}),
      hyperparameters,
      preprocessing: { targetSize: [32, 32], colorMode: 'rgb', resizeMode: 'center-crop', scale: 1 / 127.5, offset: -1 },
      classNames: ['airplane', 'automobile'],
      datasetSplits: { train: 40000, validation: 5000, test: 5000 },
    });
    expect(script).toContain('keras.optimizers.SGD(learning_rate=keras.optimizers.schedules.ExponentialDecay(0.05, decay_steps=100, decay_rate=0.5, staircase=False), momentum=0.9, nesterov=True)');
    expect(script).toContain('BATCH_SIZE = 64');
    expect(script).toContain('EPOCHS = 7');
    expect(script).toContain('RESIZE_MODE = "center-crop"');
    expect(script).toContain('OFFSET = -1');
    expect(script).toContain('keras.layers.RandomFlip("vertical", seed=SEED)');
    expect(script).toContain('keras.layers.RandomContrast(0.1, seed=SEED)');
    expect(script).toContain('choices=["default", "mirrored", "multi-worker"]');
    expect(script).toContain('tf.distribute.MirroredStrategy()');
    expect(script).toContain('with strategy.scope():');
  });

  it("validates on the run's real split: the dataset's own, the run's fraction, or none", () => {
    const graph = buildTemplate('mnist-cnn', {});
    const script = (validationSplit: number | null, datasetSplits: { train: number; validation: number; test: number } | null): string =>
      generateKerasTrainingScript({ graph, hyperparameters: hyperparametersSchema.parse({ validationSplit }), preprocessing: null, classNames: null, datasetSplits });
    const ownSplit = script(null, { train: 48000, validation: 6000, test: 6000 });
    expect(ownSplit).toContain("# The run validated on its dataset's own validation split: 6000 of 60000 images (10 %).\nVALIDATION_SPLIT = 0.1\n");
    expect(script(0, { train: 54000, validation: 5400, test: 600 })).toContain('VALIDATION_SPLIT = 0.09\n');
    expect(script(0.25, { train: 48000, validation: 6000, test: 6000 })).toContain('# The run held out the last 25 % of its training images (validation_split).\nVALIDATION_SPLIT = 0.25\n');
    const none = script(null, { train: 9, validation: 0, test: 1 });
    expect(none).toContain('# The run had no validation images.\nVALIDATION_SPLIT = None\n');
    expect(none).toContain('    if VALIDATION_SPLIT is None:');
    expect(script(null, null)).toContain('VALIDATION_SPLIT = 0.2\n');
  });

  it('gives a model taking (height, width) its grayscale images without the channel axis', () => {
    const b = new GraphBuilder('mlp');
    b.layer('Dense', { units: 10, activation: 'softmax' }, b.layer('Flatten', {}, b.input([28, 28], 'flatten_input')));
    const script = generateKerasTrainingScript({ graph: b.build(), hyperparameters: hyperparametersSchema.parse({}), preprocessing: null, classNames: null, datasetSplits: null });
    expect(script).toContain('IMAGE_SIZE = (28, 28)');
    expect(script).toContain('COLOR_MODE = "grayscale"');
    expect(script).toContain('        images = tf.squeeze(images, axis=-1)  # the model takes (height, width) images');
    expect(generateKerasTrainingScript({ graph: buildTemplate('mnist-cnn', {}), hyperparameters: hyperparametersSchema.parse({}), preprocessing: null, classNames: null, datasetSplits: null })).not.toContain('tf.squeeze');
  });

  it("feeds a pretrained base through its keras.applications preprocess_input instead of SCALE and OFFSET", () => {
    const graph = buildTemplate('inceptionv3', { includeTop: false, pooling: 'avg', inputShape: [75, 75, 3] });
    const script = generateKerasTrainingScript({ graph, hyperparameters: hyperparametersSchema.parse({}), preprocessing: null, classNames: null, datasetSplits: null });
    expect(script).toContain('PREPROCESS_INPUT = keras.applications.inception_v3.preprocess_input');
    expect(script).toContain('            return PREPROCESS_INPUT(images * 255.0), labels');
    const plain = generateKerasTrainingScript({ graph: buildTemplate('mnist-cnn', {}), hyperparameters: hyperparametersSchema.parse({}), preprocessing: null, classNames: null, datasetSplits: null });
    expect(plain).toContain('PREPROCESS_INPUT = None');
  });
});
