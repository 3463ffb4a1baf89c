import type * as tfjs from '@tensorflow/tfjs';
import type { OptimizerConfig } from '../../../common/training/optimizers';
import type { Tfjs as TfModule } from '../backend';

/**
 * Keras AdamW for tfjs, which has none: before each Adam step every variable shrinks by
 * `learningRate * weightDecay` (decoupled weight decay, Loshchilov & Hutter), exactly as
 * `keras.optimizers.AdamW` does.
 */
function defineAdamW(tf: TfModule) {
  return class AdamWOptimizer extends tf.AdamOptimizer {
    static override get className(): string {
      return 'AdamW';
    }

    constructor(learningRate: number, readonly weightDecay: number, beta1: number, beta2: number, epsilon: number) {
      super(learningRate, beta1, beta2, epsilon);
    }

    override applyGradients(variableGradients: tfjs.NamedTensorMap | Parameters<tfjs.AdamOptimizer['applyGradients']>[0]): void {
      const names = Array.isArray(variableGradients) ? variableGradients.map((item: { name: string }) => item.name) : Object.keys(variableGradients);
      if (this.weightDecay > 0) {
        tf.tidy(() => {
          const factor = 1 - this.learningRate * this.weightDecay;
          for (const name of names) {
            const variable = tf.engine().registeredVariables[name];
            if (variable) variable.assign(tf.mul(variable, factor));
          }
        });
      }
      super.applyGradients(variableGradients as Parameters<tfjs.AdamOptimizer['applyGradients']>[0]);
    }

    override getConfig(): tfjs.serialization.ConfigDict {
      return { ...super.getConfig(), weightDecay: this.weightDecay };
    }
  };
}

/**
 * Creates the tfjs optimizer for a Keras optimizer config. SGD with momentum (and
 * Nesterov) maps to tfjs' MomentumOptimizer, whose update equals Keras' for a constant
 * learning rate; AdamW is ours (above).
 */
export function createOptimizer(tf: TfModule, config: OptimizerConfig): tfjs.Optimizer {
  switch (config.name) {
    case 'sgd':
      return config.momentum > 0 || config.nesterov
        ? tf.train.momentum(config.learningRate, config.momentum, config.nesterov)
        : tf.train.sgd(config.learningRate);
    case 'adam':
      return tf.train.adam(config.learningRate, config.beta1, config.beta2, config.epsilon);
    case 'adamw': {
      const AdamW = defineAdamW(tf);
      return new AdamW(config.learningRate, config.weightDecay, config.beta1, config.beta2, config.epsilon);
    }
    case 'rmsprop':
      return tf.train.rmsprop(config.learningRate, config.rho, config.momentum, config.epsilon, config.centered);
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
