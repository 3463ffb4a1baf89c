import type { OptimizerConfig } from '../../../common/training/optimizers';

/** Keras class of each optimizer (`keras.optimizers.<Class>`). */
export const KERAS_OPTIMIZER_CLASSES: Record<OptimizerConfig['name'], string> = {
  sgd: 'SGD', adam: 'Adam', adamw: 'AdamW', rmsprop: 'RMSprop', adagrad: 'Adagrad', adadelta: 'Adadelta', adamax: 'Adamax',
};

/**
 * An optimizer as Keras serialises it: its class and constructor arguments by their Keras
 * names (`learning_rate`, `beta_1`, ...).
 */
export function kerasOptimizer(optimizer: OptimizerConfig): { class_name: string; config: Record<string, unknown> } {
  const className = KERAS_OPTIMIZER_CLASSES[optimizer.name];
  const base = { name: className, learning_rate: optimizer.learningRate };
  switch (optimizer.name) {
    case 'sgd':
      return { class_name: className, config: { ...base, momentum: optimizer.momentum, nesterov: optimizer.nesterov } };
    case 'adam':
    case 'adamax':
      return { class_name: className, config: { ...base, beta_1: optimizer.beta1, beta_2: optimizer.beta2, epsilon: optimizer.epsilon } };
    case 'adamw':
      return { class_name: className, config: { ...base, weight_decay: optimizer.weightDecay, beta_1: optimizer.beta1, beta_2: optimizer.beta2, epsilon: optimizer.epsilon } };
    case 'rmsprop':
      return { class_name: className, config: { ...base, rho: optimizer.rho, momentum: optimizer.momentum, epsilon: optimizer.epsilon, centered: optimizer.centered } };
    case 'adagrad':
      return { class_name: className, config: { ...base, initial_accumulator_value: optimizer.initialAccumulatorValue, epsilon: optimizer.epsilon } };
    case 'adadelta':
      return { class_name: className, config: { ...base, rho: optimizer.rho, epsilon: optimizer.epsilon } };
  }
}
