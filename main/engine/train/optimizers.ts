import type * as tfjs from '@tensorflow/tfjs';
import type { OptimizerConfig } from '../../../common/training/optimizers';
import type { Tfjs as TfModule } from '../backend';
import { fusedOptimizers } from './fusedOptimizers';

/**
 * Creates the tfjs optimizer for a Keras optimizer config. SGD with momentum (and
 * Nesterov) maps to tfjs' MomentumOptimizer, whose update equals Keras' for a constant
 * learning rate; AdamW is ours. SGD, Momentum, Adam, AdamW and RMSprop update each
 * variable in one fused kernel where the backend has one (./fusedOptimizers.ts).
 */
export function createOptimizer(tf: TfModule, config: OptimizerConfig): tfjs.Optimizer {
  const fused = fusedOptimizers(tf);
  switch (config.name) {
    case 'sgd':
      return config.momentum > 0 || config.nesterov
        ? fused.momentum(config.learningRate, config.momentum, config.nesterov)
        : fused.sgd(config.learningRate);
    case 'adam':
      return fused.adam(config.learningRate, config.beta1, config.beta2, config.epsilon);
    case 'adamw':
      return fused.adamw(config.learningRate, config.weightDecay, config.beta1, config.beta2, config.epsilon);
    case 'rmsprop':
      return fused.rmsprop(config.learningRate, config.rho, config.momentum, config.epsilon, config.centered);
    case 'adagrad':
      // tfjs' Adagrad uses the backend epsilon; Keras' 1e-7 equals float32 epsilon there.
      return tf.train.adagrad(config.learningRate, config.initialAccumulatorValue);
    case 'adadelta':
      return tf.train.adadelta(config.learningRate, config.rho, config.epsilon);
    case 'adamax':
      return tf.train.adamax(config.learningRate, config.beta1, config.beta2, config.epsilon);
  }
}

/** Sets the learning rate an optimizer uses from its next step on. */
export function setLearningRate(optimizer: tfjs.Optimizer, learningRate: number): void {
  const target = optimizer as tfjs.Optimizer & { learningRate: number; setLearningRate?: (lr: number) => void };
  if (target.learningRate === learningRate) return;
  // SGD and Momentum cache -lr as a kept scalar; their setter replaces it.
  if (typeof target.setLearningRate === 'function') target.setLearningRate(learningRate);
  else target.learningRate = learningRate;
}

/**
 * Applies Keras' `clipvalue` and `clipnorm` (per gradient tensor) and a coupled L2
 * penalty to the gradients, returning new tensors; call inside `tf.tidy`.
 */
export function transformGradients(
  tf: TfModule,
  grads: tfjs.NamedTensorMap,
  options: { clipnorm: number | null; clipvalue: number | null; l2: number },
): tfjs.NamedTensorMap {
  const out: tfjs.NamedTensorMap = {};
  for (const [name, gradient] of Object.entries(grads)) {
    let g = gradient;
    if (options.l2 > 0) {
      const variable = tf.engine().registeredVariables[name];
      // Keras' L2 regulariser adds l2 * sum(w^2) to the loss, whose gradient is 2 * l2 * w.
      if (variable && variable.rank > 1) g = tf.add(g, tf.mul(variable, 2 * options.l2));
    }
    if (options.clipvalue !== null) g = tf.clipByValue(g, -options.clipvalue, options.clipvalue);
    if (options.clipnorm !== null) {
      const norm = tf.norm(g);
      g = tf.mul(g, tf.div(options.clipnorm, tf.maximum(norm, options.clipnorm)));
    }
    out[name] = g;
  }
  return out;
}
