import { LabError } from '../../common/errors';
import type { DatasetSplit } from './datasetCache';
import { createRandom, shuffleInPlace } from './random';

/** Fractions carved out of the examples that have no split of their own. */
export interface SplitFractions {
  validation: number;
  test: number;
  seed: number;
}

/**
 * Assigns every example to a split. Examples with a `given` split (from train/,
 * validation/ or test/ folders, or a dataset's own test file) keep it. The
 * validation and test fractions are then carved, per class, out of the training examples,
 * but only for a split no example was given: folders are used as given. The same
 * labels, given splits and seed always give the same result.
 *
 * @returns example indices per split, each ascending.
 * @throws LabError `API_BAD_INPUT` when the fractions leave nothing to train on.
 */
export function assignSplits(labels: ArrayLike<number>, classCount: number, given: ReadonlyArray<DatasetSplit | undefined>, fractions: SplitFractions): Record<DatasetSplit, number[]> {
  if (fractions.validation < 0 || fractions.test < 0 || fractions.validation + fractions.test >= 1) {
    throw new LabError('API_BAD_INPUT', `Expected validation and test fractions >= 0 that sum to less than 1. Received: validation=${fractions.validation}, test=${fractions.test}`, { field: 'validationSplit' });
  }
  const out: Record<DatasetSplit, number[]> = { train: [], validation: [], test: [] };
  const hasGiven = { validation: given.includes('validation'), test: given.includes('test') };
  const carveValidation = hasGiven.validation ? 0 : fractions.validation;
  const carveTest = hasGiven.test ? 0 : fractions.test;
  const pool: number[][] = Array.from({ length: classCount }, () => []);
  for (let i = 0; i < labels.length; i++) {
    const split = given[i] ?? 'train';
    if (split === 'train') pool[labels[i] as number]!.push(i);
    else out[split].push(i);
  }
  const random = createRandom(fractions.seed);
  for (const members of pool) {
    shuffleInPlace(members, random);
    const testCount = Math.round(members.length * carveTest);
    const validationCount = Math.round(members.length * carveValidation);
    out.test.push(...members.slice(0, testCount));
    out.validation.push(...members.slice(testCount, testCount + validationCount));
    out.train.push(...members.slice(testCount + validationCount));
  }
  for (const split of ['train', 'validation', 'test'] as const) out[split].sort((a, b) => a - b);
  return out;
}

/** Examples per class in each split. */
export function countPerClass(labels: ArrayLike<number>, classCount: number, splits: Record<DatasetSplit, number[]>): Record<DatasetSplit, number[]> {
  const count = (members: number[]): number[] => {
    const counts = new Array<number>(classCount).fill(0);
    for (const i of members) counts[labels[i] as number]! += 1;
    return counts;
  };
  return { train: count(splits.train), validation: count(splits.validation), test: count(splits.test) };
}
