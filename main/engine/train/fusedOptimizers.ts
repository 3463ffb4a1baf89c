import type * as tfjs from '@tensorflow/tfjs';
import type { NamedAttrMap, NamedTensorInfoMap } from '@tensorflow/tfjs-core';
import type { Tfjs as TfModule } from '../backend';
import { FusedAdamUpdate, FusedMomentumUpdate, FusedRmspropUpdate, FusedSgdUpdate, ownData } from '../kernels/fusedUpdates';

/**
 * tfjs's SGD, Momentum, Adam and RMSprop optimizers, plus Keras's AdamW, whose step runs as
 * one fused kernel per variable (see `../kernels/fusedUpdates.ts`) on a backend that
 * registers it, and as tfjs's own update everywhere else. The optimizer state stays in the
 * fields tfjs keeps it in, under the same names, so `getWeights`/`setWeights` (and the
 * checkpoints written with them) are the same either way and a run can move between the
 * two paths.
 */

type VariableGradients = Parameters<tfjs.Optimizer['applyGradients']>[0];
type OptimizerVariable = { originalName: string; variable: tfjs.Variable };

/**
 * tfjs declares Adam's and Momentum's gradients as a map of Variables, but reads them as
 * tensors like every optimizer does (and gradients are plain tensors).
 */
function asVariableMap(variableGradients: VariableGradients): Parameters<tfjs.AdamOptimizer['applyGradients']>[0] {
  return variableGradients as Parameters<tfjs.AdamOptimizer['applyGradients']>[0];
}

/** One variable of a step, in the order tfjs's optimizers index their state by. */
interface StepEntry {
  name: string;
  variable: tfjs.Variable;
  gradient: tfjs.Tensor | undefined;
}

/**
 * The step's variables when `kernel` can update them all: the active backend registers it,
 * and every variable is registered and float32, as is its gradient. Otherwise null, and
 * the caller runs tfjs's own update.
 */
function fusableStep(tf: TfModule, kernel: string, variableGradients: VariableGradients): StepEntry[] | null {
  if (tf.getKernel(kernel, tf.getBackend()) === undefined) return null;
  const named = Array.isArray(variableGradients)
    ? variableGradients.map((item: { name: string; tensor: tfjs.Tensor }) => [item.name, item.tensor] as const)
    : Object.entries(variableGradients as tfjs.NamedTensorMap);
  const entries: StepEntry[] = [];
  for (const [name, gradient] of named) {
    const variable = tf.engine().registeredVariables[name];
    if (variable === undefined || variable.dtype !== 'float32') return null;
    if (gradient !== undefined && gradient !== null && gradient.dtype !== 'float32') return null;
    entries.push({ name, variable, gradient: gradient ?? undefined });
  }
  return entries;
}

/** Optimizer state in tfjs's layout: created at a variable's first step, as zeros. */
function stateFor(tf: TfModule, slots: OptimizerVariable[], index: number, name: string, suffix: string, like: tfjs.Variable): tfjs.Variable {
  let slot = slots[index];
  if (slot === undefined) {
    slot = { originalName: `${name}/${suffix}`, variable: tf.tidy(() => tf.zerosLike(like).variable(false)) };
    slots[index] = slot;
  }
  return slot.variable;
}

/**
 * Runs a fused update that rewrites `written` (the variable, then its state) in place, or
 * the state in place and returns the variable's next value, which is assigned here.
 */
function runFused(tf: TfModule, kernel: string, written: readonly [tfjs.Variable, ...tfjs.Variable[]], inputs: NamedTensorInfoMap, attrs: object): void {
  for (const variable of written) ownData(tf, variable);
  const outputs = tf.engine().runKernel(kernel, inputs as tfjs.NamedTensorMap, attrs as NamedAttrMap) as tfjs.Tensor[];
  const [next] = outputs;
  if (next === undefined) return;
  written[0].assign(next);
  tf.dispose(outputs);
}

/** tfjs 4.22's private Adam state, by the names its AdamOptimizer uses. */
interface AdamState {
  accBeta1: tfjs.Variable;
  accBeta2: tfjs.Variable;
  accumulatedFirstMoment: OptimizerVariable[];
  accumulatedSecondMoment: OptimizerVariable[];
}

/** tfjs 4.22's private Momentum state. */
interface MomentumState {
  momentum: number;
  useNesterov: boolean;
  accumulations: OptimizerVariable[];
}

/** tfjs 4.22's private RMSprop state. */
interface RmspropState {
  centered: boolean;
  accumulatedMeanSquares: OptimizerVariable[];
  accumulatedMoments: OptimizerVariable[];
  accumulatedMeanGrads: OptimizerVariable[];
}

/** Constructors of the fused-capable optimizers, with tfjs's arguments (AdamW adds its weight decay). */
export interface FusedOptimizers {
  sgd(learningRate: number): tfjs.Optimizer;
  momentum(learningRate: number, momentum: number, nesterov: boolean): tfjs.Optimizer;
  adam(learningRate: number, beta1: number, beta2: number, epsilon: number): tfjs.Optimizer;
  adamw(learningRate: number, weightDecay: number, beta1: number, beta2: number, epsilon: number): tfjs.Optimizer;
  rmsprop(learningRate: number, rho: number, momentum: number, epsilon: number, centered: boolean): tfjs.Optimizer;
}

/** The optimizers, made from the tfjs module in use (tfjs and tfjs-node are different modules). */
export function fusedOptimizers(tf: TfModule): FusedOptimizers {
  class SgdOptimizer extends tf.SGDOptimizer {
    override applyGradients(variableGradients: VariableGradients): void {
      const step = fusableStep(tf, FusedSgdUpdate, variableGradients);
      if (step === null) return super.applyGradients(variableGradients);
      for (const { variable, gradient } of step) {
        if (gradient !== undefined) runFused(tf, FusedSgdUpdate, [variable], { variable, gradient }, { learningRate: this.learningRate });
      }
      this.incrementIterations();
    }
  }

  class MomentumOptimizer extends tf.MomentumOptimizer {
    override applyGradients(variableGradients: VariableGradients): void {
      const step = fusableStep(tf, FusedMomentumUpdate, variableGradients);
      if (step === null) return super.applyGradients(asVariableMap(variableGradients));
      const state = this as unknown as MomentumState;
      step.forEach(({ name, variable, gradient }, i) => {
        const accumulation = stateFor(tf, state.accumulations, i, name, 'momentum', variable);
        if (gradient === undefined) return;
        runFused(tf, FusedMomentumUpdate, [variable, accumulation], { variable, gradient, accumulation }, { learningRate: this.learningRate, momentum: state.momentum, nesterov: state.useNesterov });
      });
      this.incrementIterations();
    }
  }

  /**
   * Adam, and the base of AdamW: `decayFactor` is what the variable is multiplied by
   * before the Adam step (1 here).
   */
  class AdamOptimizer extends tf.AdamOptimizer {
    protected decayFactor(): number {
      return 1;
    }

    override applyGradients(variableGradients: VariableGradients): void {
      const step = fusableStep(tf, FusedAdamUpdate, variableGradients);
      if (step === null) return this.applyStockGradients(variableGradients);
      const state = this as unknown as AdamState;
      const attrs = { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, decayFactor: this.decayFactor() };
      step.forEach(({ name, variable, gradient }, i) => {
        const firstMoment = stateFor(tf, state.accumulatedFirstMoment, i, name, 'm', variable);
        const secondMoment = stateFor(tf, state.accumulatedSecondMoment, i, name, 'v', variable);
        if (gradient === undefined) return;
        runFused(tf, FusedAdamUpdate, [variable, firstMoment, secondMoment], { variable, gradient, firstMoment, secondMoment, accBeta1: state.accBeta1, accBeta2: state.accBeta2 }, attrs);
      });
      tf.tidy(() => {
        state.accBeta1.assign(tf.mul(state.accBeta1, this.beta1));
        state.accBeta2.assign(tf.mul(state.accBeta2, this.beta2));
      });
      this.incrementIterations();
    }

    /** tfjs's own update (AdamW decays the variables first). */
    protected applyStockGradients(variableGradients: VariableGradients): void {
      super.applyGradients(asVariableMap(variableGradients));
    }
  }

  /**
   * Keras AdamW, which tfjs lacks: before each Adam step every variable shrinks by
   * `learningRate * weightDecay` (decoupled weight decay, Loshchilov & Hutter), exactly as
   * `keras.optimizers.AdamW` does.
   */
  class AdamWOptimizer extends AdamOptimizer {
    static override get className(): string {
      return 'AdamW';
    }

    constructor(learningRate: number, readonly weightDecay: number, beta1: number, beta2: number, epsilon: number) {
      super(learningRate, beta1, beta2, epsilon);
    }

    protected override decayFactor(): number {
      return 1 - this.learningRate * this.weightDecay;
    }

    protected override applyStockGradients(variableGradients: VariableGradients): void {
      const names = Array.isArray(variableGradients) ? variableGradients.map((item: { name: string }) => item.name) : Object.keys(variableGradients);
      if (this.weightDecay > 0) {
        tf.tidy(() => {
          const factor = this.decayFactor();
          for (const name of names) {
            const variable = tf.engine().registeredVariables[name];
            if (variable) variable.assign(tf.mul(variable, factor));
          }
        });
      }
      super.applyStockGradients(variableGradients);
    }

    override getConfig(): tfjs.serialization.ConfigDict {
      return { ...super.getConfig(), weightDecay: this.weightDecay };
    }
  }

  class RmspropOptimizer extends tf.RMSPropOptimizer {
    override applyGradients(variableGradients: VariableGradients): void {
      const step = fusableStep(tf, FusedRmspropUpdate, variableGradients);
      if (step === null) return super.applyGradients(variableGradients);
      const state = this as unknown as RmspropState;
      const attrs = { learningRate: this.learningRate, decay: this.decay, momentum: this.momentum, epsilon: this.epsilon, centered: state.centered };
      step.forEach(({ name, variable, gradient }, i) => {
        const meanSquare = stateFor(tf, state.accumulatedMeanSquares, i, name, 'rms', variable);
        const moment = stateFor(tf, state.accumulatedMoments, i, name, 'momentum', variable);
        const meanGrad = state.centered ? stateFor(tf, state.accumulatedMeanGrads, i, name, 'mg', variable) : undefined;
        if (gradient === undefined) return;
        if (meanGrad === undefined) runFused(tf, FusedRmspropUpdate, [variable, meanSquare, moment], { variable, gradient, meanSquare, moment }, attrs);
        else runFused(tf, FusedRmspropUpdate, [variable, meanSquare, moment, meanGrad], { variable, gradient, meanSquare, moment, meanGrad }, attrs);
      });
      this.incrementIterations();
    }
  }

  return {
    sgd: (learningRate) => new SgdOptimizer(learningRate),
    momentum: (learningRate, momentum, nesterov) => new MomentumOptimizer(learningRate, momentum, nesterov),
    adam: (learningRate, beta1, beta2, epsilon) => new AdamOptimizer(learningRate, beta1, beta2, epsilon),
    adamw: (learningRate, weightDecay, beta1, beta2, epsilon) => new AdamWOptimizer(learningRate, weightDecay, beta1, beta2, epsilon),
    rmsprop: (learningRate, rho, momentum, epsilon, centered) => new RmspropOptimizer(learningRate, rho, momentum, epsilon, centered),
  };
}
