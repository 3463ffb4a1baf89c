import { TFJS_INITIALIZERS, isTaggedArgument, type ActivationName, type InitializerName, type TfjsArgument } from '../../common/catalog';
import type { Tfjs } from './backend';
import './layers/index';

/**
 * Builds the TF.js objects a catalog entry's `tfjsConfig` arguments describe: seeded
 * initializers, regularizers, seeds and activation identifiers.
 */

/** TF.js's activation identifier type, as its layer constructors declare it. */
type TfjsActivation = NonNullable<Parameters<Tfjs['layers']['dense']>[0]['activation']>;

/** What TF.js initializer factories return. */
type TfjsInitializer = ReturnType<Tfjs['initializers']['zeros']>;

/**
 * A Keras activation name as TF.js accepts it. Every catalog name is a TF.js activation
 * except `leaky_relu`, which `layers/LeakyReluActivation` registers as `leakyRelu`.
 */
function activationIdentifier(name: ActivationName): TfjsActivation {
  // The registry accepts more names than TF.js's declared union (leakyRelu).
  return (name === 'leaky_relu' ? 'leakyRelu' : name) as TfjsActivation;
}

/**
 * A Keras initializer by name, with Keras's default arguments, seeded when `seed` is given
 * so a seeded compile draws the same weights every time.
 */
function initializer(tf: Tfjs, name: InitializerName, seed: number | undefined): TfjsInitializer {
  const { factory, config, random } = TFJS_INITIALIZERS[name];
  // Indexed by name: the factory names come from TFJS_INITIALIZERS, which a test checks against tf.initializers.
  const make = (tf.initializers as unknown as Record<string, (args: Record<string, number>) => TfjsInitializer>)[factory];
  if (make === undefined) throw new Error(`TF.js has no initializer factory ${factory} (Keras ${name}).`);
  return make(random && seed !== undefined ? { ...config, seed } : { ...config });
}

/**
 * The TF.js constructor arguments for a catalog entry's `tfjsConfig` arguments. Each
 * initializer, and each seed left `null`, takes the next seed of the compile, in argument
 * order.
 */
export function tfjsLayerArgs(tf: Tfjs, args: Readonly<Record<string, TfjsArgument>>, nextSeed: () => number | undefined): Record<string, unknown> {
  const built: Record<string, unknown> = {};
  for (const [key, argument] of Object.entries(args)) {
    if (!isTaggedArgument(argument)) {
      built[key] = argument;
      continue;
    }
    switch (argument.kind) {
      case 'initializer':
        built[key] = initializer(tf, argument.name, nextSeed());
        break;
      case 'regularizer':
        built[key] = tf.regularizers.l1l2({ l1: argument.l1, l2: argument.l2 });
        break;
      case 'seed':
        built[key] = argument.seed ?? nextSeed() ?? null;
        break;
      case 'activation':
        built[key] = activationIdentifier(argument.name);
        break;
    }
  }
  return built;
}
