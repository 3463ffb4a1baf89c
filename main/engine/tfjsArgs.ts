import type { ActivationName, InitializerName, RegularizerParams } from '../../common/catalog';
import type { Tfjs } from './backend';
import './layers/index';

/**
 * Converters from Keras argument values (catalog params, snake_case world) to the objects
 * TF.js layer constructors take.
 */

/** TF.js's activation identifier type, as its layer constructors declare it. */
export type TfjsActivation = NonNullable<Parameters<Tfjs['layers']['dense']>[0]['activation']>;

/** What TF.js initializer factories return. */
export type TfjsInitializer = ReturnType<Tfjs['initializers']['zeros']>;

/** What TF.js regularizer factories return. */
export type TfjsRegularizer = ReturnType<Tfjs['regularizers']['l1l2']>;

/**
 * A Keras activation name as TF.js accepts it. Every catalog name is a TF.js activation
 * except `leaky_relu`, which `layers/LeakyReluActivation` registers as `leakyRelu`.
 */
export function tfjsActivation(name: ActivationName): TfjsActivation {
  // The registry accepts more names than TF.js's declared union (leakyRelu).
  return (name === 'leaky_relu' ? 'leakyRelu' : name) as TfjsActivation;
}

/**
 * A Keras initializer by name, with Keras's default arguments, seeded when `seed` is given
 * so a seeded compile draws the same weights every time.
 */
export function tfjsInitializer(tf: Tfjs, name: InitializerName, seed: number | undefined): TfjsInitializer {
  const seeded = seed === undefined ? {} : { seed };
  switch (name) {
    case 'glorot_uniform':
      return tf.initializers.glorotUniform(seeded);
    case 'glorot_normal':
      return tf.initializers.glorotNormal(seeded);
    case 'he_uniform':
      return tf.initializers.heUniform(seeded);
    case 'he_normal':
      return tf.initializers.heNormal(seeded);
    case 'lecun_uniform':
      return tf.initializers.leCunUniform(seeded);
    case 'lecun_normal':
      return tf.initializers.leCunNormal(seeded);
    case 'zeros':
      return tf.initializers.zeros();
    case 'ones':
      return tf.initializers.ones();
    case 'random_normal':
      return tf.initializers.randomNormal({ mean: 0, stddev: 0.05, ...seeded });
    case 'random_uniform':
      return tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, ...seeded });
    case 'truncated_normal':
      return tf.initializers.truncatedNormal({ mean: 0, stddev: 0.05, ...seeded });
    case 'orthogonal':
      return tf.initializers.orthogonal({ gain: 1, ...seeded });
  }
}

/** Keras `L1L2` as TF.js's regularizer; `null` (Keras's None) gives `undefined`. */
export function tfjsRegularizer(tf: Tfjs, regularizer: RegularizerParams | null): TfjsRegularizer | undefined {
  return regularizer === null ? undefined : tf.regularizers.l1l2({ l1: regularizer.l1, l2: regularizer.l2 });
}
