import { computed, reactive, ref, toRaw, type InjectionKey } from 'vue';
import type { HyperparametersInput } from '../../../common/training/hyperparameters';
import type { TransferSource } from '../../../common/training/transferSource';
import { validateHyperparameters, type FormErrors } from '../../stores/trainingStore';

/**
 * What a HyperparameterForm edits: a form value and its field errors. The Train view's form
 * edits the training store's; a dialog provides its own so its edits leave that one alone.
 */
export interface HyperparameterTarget {
  form: HyperparametersInput;
  readonly formErrors: FormErrors;
  /** Initial weights dropped when another model took the canvas (the Train view's form only). */
  clearedInitialWeights?: TransferSource | null;
}

/** Provide a `HyperparameterTarget` under this key to make the HyperparameterForms below edit it. */
export const HYPERPARAMETER_TARGET: InjectionKey<HyperparameterTarget> = Symbol('hyperparameter-target');

/** A target of its own holding a copy of `initial`, validated with the run schema as it changes. */
export function createHyperparameterTarget(initial: HyperparametersInput): HyperparameterTarget {
  // toRaw: a reactive proxy cannot be structured-cloned.
  const form = ref<HyperparametersInput>(structuredClone(toRaw(initial)));
  return reactive({ form, formErrors: computed(() => validateHyperparameters(form.value)) });
}
