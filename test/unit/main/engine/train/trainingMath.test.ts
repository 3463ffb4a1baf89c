import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, type Tfjs } from '../../../../../main/engine/backend';
import { batchLoss, encodeTargets, inTopK, perExampleLoss, targetEncoding } from '../../../../../main/engine/train/losses';
import { createOptimizer, setLearningRate, transformGradients } from '../../../../../main/engine/train/optimizers';
import { LearningRateSchedule } from '../../../../../main/engine/train/schedules';
import { MonitorTracker } from '../../../../../main/engine/train/monitor';
import { classWeights } from '../../../../../main/engine/train/trainer';
import { hyperparametersSchema } from '../../../../../common/training/hyperparameters';
import { lrScheduleSchema } from '../../../../../common/training/schedules';
import { optimizerSchema } from '../../../../../common/training/optimizers';

let tf: Tfjs;
beforeAll(async () => {
  ({ tf } = await initBackend({ preference: 'cpu' }));
});

const values = (t: { dataSync(): ArrayLike<number> }): number[] => Array.from(t.dataSync());

describe('hyperparameter defaults follow Keras', () => {
  it('fills Keras defaults', () => {
    const hp = hyperparametersSchema.parse({});
    expect(hp.optimizer).toEqual({ name: 'adam', learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
    expect(hp.batchSize).toBe(32);
    expect(optimizerSchema.parse({ name: 'sgd' })).toEqual({ name: 'sgd', learningRate: 0.01, momentum: 0, nesterov: false });
    expect(optimizerSchema.parse({ name: 'adamw' })).toMatchObject({ weightDecay: 0.004 });
    expect(optimizerSchema.parse({ name: 'rmsprop' })).toMatchObject({ rho: 0.9, momentum: 0, centered: false });
    expect(optimizerSchema.parse({ name: 'adadelta' })).toMatchObject({ rho: 0.95, learningRate: 0.001 });
    expect(lrScheduleSchema.parse({ type: 'reduce_on_plateau' })).toMatchObject({ monitor: 'val_loss', factor: 0.1, patience: 10, minDelta: 1e-4 });
  });
});

describe('losses', () => {
  it('computes categorical cross-entropy as Keras (clipped probabilities), sparse and one-hot alike', () => {
    const p = tf.tensor2d([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]]);
    const sparse = perExampleLoss(tf, 'sparse_categorical_crossentropy', encodeTargets(tf, Int32Array.from([0, 1]), 'sparse', 3), p, false);
    const dense = perExampleLoss(tf, 'categorical_crossentropy', encodeTargets(tf, Int32Array.from([0, 1]), 'one-hot', 3), p, false);
    expect(values(sparse)[0]).toBeCloseTo(-Math.log(0.7), 5);
    expect(values(sparse)[1]).toBeCloseTo(-Math.log(0.1), 5);
    expect(values(dense)).toEqual(values(sparse));
  });

  it('gives the same loss from logits as from their softmax', () => {
    const logits = tf.tensor2d([[2, 1, -1]]);
    const target = encodeTargets(tf, Int32Array.from([1]), 'sparse', 3);
    const fromLogits = values(perExampleLoss(tf, 'sparse_categorical_crossentropy', target, logits, true))[0] as number;
    const fromProbabilities = values(perExampleLoss(tf, 'sparse_categorical_crossentropy', target, tf.softmax(logits), false))[0] as number;
    expect(fromLogits).toBeCloseTo(fromProbabilities, 5);
  });

  it('computes binary cross-entropy and MSE', () => {
    const p = tf.tensor2d([[0.9], [0.2]]);
    const t = encodeTargets(tf, Int32Array.from([1, 0]), targetEncoding('binary_crossentropy', 1), 2);
    const bce = values(perExampleLoss(tf, 'binary_crossentropy', t, p, false));
    expect(bce[0]).toBeCloseTo(-Math.log(0.9), 5);
    expect(bce[1]).toBeCloseTo(-Math.log(0.8), 5);
    const mse = values(perExampleLoss(tf, 'mean_squared_error', tf.tensor2d([[1, 0]]), tf.tensor2d([[0.5, 0.5]]), false));
    expect(mse[0]).toBeCloseTo(0.25, 6);
  });

  it('weights examples and divides by the batch size as Keras does', () => {
    const loss = batchLoss(tf, tf.tensor1d([1, 3]), tf.tensor1d([2, 0]));
    expect(values(loss)[0]).toBeCloseTo(1, 6);
  });

  it('counts the true class among the top k', () => {
    const p = tf.tensor2d([[0.5, 0.3, 0.2], [0.5, 0.3, 0.2]]);
    expect(values(inTopK(tf, p, tf.tensor1d([1, 2], 'int32'), 2))).toEqual([1, 0]);
  });
});

describe('optimizers and gradient transforms', () => {
  it('AdamW shrinks weights by lr * weightDecay before the Adam step', () => {
    const w = tf.variable(tf.tensor1d([1, -2]), true, 'adamw_w');
    const adamw = createOptimizer(tf, optimizerSchema.parse({ name: 'adamw', learningRate: 0.1, weightDecay: 0.5 }));
    adamw.applyGradients({ adamw_w: tf.zeros([2]) });
    expect(values(w)[0]).toBeCloseTo(0.95, 5);
    expect(values(w)[1]).toBeCloseTo(-1.9, 5);
    w.dispose();
  });

  it('SGD with Nesterov momentum moves further than plain SGD after two steps', () => {
    const run = (config: unknown): number => {
      const v = tf.variable(tf.scalar(0), true, `sgd_${Math.random()}`);
      const optimizer = createOptimizer(tf, optimizerSchema.parse(config));
      for (let i = 0; i < 2; i++) optimizer.applyGradients({ [v.name]: tf.scalar(1) });
      const value = values(v)[0] as number;
      v.dispose();
      return value;
    };
    expect(run({ name: 'sgd', learningRate: 0.1 })).toBeCloseTo(-0.2, 5);
    expect(run({ name: 'sgd', learningRate: 0.1, momentum: 0.9, nesterov: true })).toBeLessThan(-0.2);
  });

  it('changes the learning rate of SGD and Adam between steps', () => {
    const sgd = createOptimizer(tf, optimizerSchema.parse({ name: 'sgd', learningRate: 0.1 }));
    setLearningRate(sgd, 0.5);
    const v = tf.variable(tf.scalar(0), true, 'lr_v');
    sgd.applyGradients({ lr_v: tf.scalar(1) });
    expect(values(v)[0]).toBeCloseTo(-0.5, 6);
    v.dispose();
    const adam = createOptimizer(tf, optimizerSchema.parse({ name: 'adam' })) as unknown as { learningRate: number };
    setLearningRate(adam as never, 0.01);
    expect(adam.learningRate).toBe(0.01);
  });

  it('clips by norm and by value as Keras clipnorm and clipvalue', () => {
    const grads = { g: tf.tensor1d([3, 4]) };
    const byNorm = transformGradients(tf, grads, { clipnorm: 1, clipvalue: null, l2: 0 });
    expect(values(byNorm['g'] as never)[0]).toBeCloseTo(0.6, 5);
    expect(values(byNorm['g'] as never)[1]).toBeCloseTo(0.8, 5);
    const byValue = transformGradients(tf, grads, { clipnorm: null, clipvalue: 3.5, l2: 0 });
    expect(values(byValue['g'] as never)).toEqual([3, 3.5]);
    const small = transformGradients(tf, grads, { clipnorm: 10, clipvalue: null, l2: 0 });
    expect(values(small['g'] as never)).toEqual([3, 4]);
  });
});

describe('learning-rate schedules', () => {
  it('step decay, exponential decay and cosine with warm-up', () => {
    const step = new LearningRateSchedule(lrScheduleSchema.parse({ type: 'step', stepSize: 2, gamma: 0.5 }), 1, 100);
    expect([1, 2, 3, 5].map((epoch) => step.rateAt(0, epoch))).toEqual([1, 1, 0.5, 0.25]);
    const exponential = new LearningRateSchedule(lrScheduleSchema.parse({ type: 'exponential', decaySteps: 10, decayRate: 0.5 }), 1, 100);
    expect(exponential.rateAt(10, 1)).toBeCloseTo(0.5, 6);
    expect(exponential.rateAt(5, 1)).toBeCloseTo(Math.SQRT1_2, 6);
    const cosine = new LearningRateSchedule(lrScheduleSchema.parse({ type: 'cosine', warmupSteps: 10 }), 1, 110);
    expect(cosine.rateAt(0, 1)).toBeCloseTo(0.1, 6);
    expect(cosine.rateAt(9, 1)).toBeCloseTo(1, 6);
    expect(cosine.rateAt(60, 1)).toBeCloseTo(0.5, 6);
    expect(cosine.rateAt(110, 1)).toBeCloseTo(0, 6);
  });

  it('reduces on plateau after patience epochs, then cools down (Keras counting)', () => {
    const schedule = new LearningRateSchedule(lrScheduleSchema.parse({ type: 'reduce_on_plateau', patience: 1, factor: 0.5, cooldown: 2 }), 1, 100);
    expect(schedule.onEpochEnd(1, { val_loss: 1 })).toBeNull();
    expect(schedule.onEpochEnd(2, { val_loss: 1 })).toMatch(/ReduceLROnPlateau/);
    expect(schedule.rateAt(0, 3)).toBe(0.5);
    expect(schedule.onEpochEnd(3, { val_loss: 1 })).toBeNull();
    expect(schedule.onEpochEnd(4, { val_loss: 1 })).toMatch(/0.500 -> 0.250/);
  });

  it('monitors accuracy upwards and loss downwards in auto mode, falling back to training keys', () => {
    expect(new MonitorTracker('val_accuracy', 'auto').mode).toBe('max');
    expect(new MonitorTracker('val_loss', 'auto').mode).toBe('min');
    const tracker = new MonitorTracker('val_loss', 'auto', 0.1);
    expect(tracker.update(1, { loss: 1 })).toBe(true);
    expect(tracker.update(2, { loss: 0.95 })).toBe(false);
    expect(tracker.wait).toBe(1);
  });
});

describe('class weights', () => {
  it("computes 'balanced' as n / (classes * count) and reads explicit weights by index", () => {
    const balanced = Array.from(classWeights('balanced', [0, 0, 0, 1], 2) ?? []);
    expect(balanced[0]).toBeCloseTo(4 / 6, 6);
    expect(balanced[1]).toBe(2);
    expect(Array.from(classWeights({ 1: 3 }, [0, 1], 2) ?? [])).toEqual([1, 3]);
    expect(() => classWeights({ 5: 1 }, [0, 1], 2)).toThrow(expect.objectContaining({ code: 'TRAIN_BAD_CONFIG' }));
  });
});
