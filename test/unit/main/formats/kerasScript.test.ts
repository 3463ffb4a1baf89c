import { describe, expect, it } from 'vitest';
import { hyperparametersSchema } from '../../../../common/training/hyperparameters';
import { buildTemplate } from '../../../../common/templates';
import { generateKerasTrainingScript } from '../../../../main/formats/keras/kerasScript';

describe('generateKerasTrainingScript', () => {
  it('takes size and colour mode from the model input when there is no dataset', () => {
    const script = generateKerasTrainingScript({ graph: buildTemplate('mnist-cnn', {}), hyperparameters: hyperparametersSchema.parse({}), preprocessing: null, classNames: null });
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
});
