import { describe, expect, it } from 'vitest';
import { StepResults, type PendingStep, type StepResult } from '../../../../../main/engine/train/stepResults';

/** A step whose values arrive when the test says so. */
function pendingStep(batch: number): { step: PendingStep; arrive: (loss: number) => void } {
  let arrive: (loss: number) => void = () => undefined;
  const values = new Promise<ArrayLike<number>>((resolve) => {
    arrive = (loss) => resolve([loss, batch, 0]);
  });
  return { step: { epoch: 1, batch, examples: 8, learningRate: 0.01, values }, arrive };
}

const settled = async (promise: Promise<unknown>): Promise<boolean> => {
  let done = false;
  void promise.then(() => (done = true));
  await new Promise((resolve) => setImmediate(resolve));
  return done;
};

describe('StepResults', () => {
  it('lets steps be recorded while earlier reads are on their way, up to the limit', async () => {
    const results = new StepResults(2, () => undefined);
    const steps = [1, 2, 3].map(pendingStep);
    expect(await settled(results.add(steps[0]!.step))).toBe(true);
    expect(await settled(results.add(steps[1]!.step))).toBe(true);
    const third = results.add(steps[2]!.step);
    expect(await settled(third)).toBe(false);
    steps[0]!.arrive(1);
    expect(await settled(third)).toBe(true);
    expect(results.unread).toBe(2);
  });

  it('hands results over in step order even when reads arrive out of order', async () => {
    const handed: StepResult[] = [];
    const results = new StepResults(5, (result) => handed.push(result));
    const steps = [1, 2, 3].map(pendingStep);
    for (const { step } of steps) await results.add(step);
    steps[2]!.arrive(3);
    steps[1]!.arrive(2);
    await new Promise((resolve) => setImmediate(resolve));
    results.takeArrived();
    expect(handed).toEqual([]);
    steps[0]!.arrive(1);
    await results.drain();
    expect(handed.map((r) => [r.batch, r.loss, r.correct])).toEqual([[1, 1, 1], [2, 2, 2], [3, 3, 3]]);
    expect(results.unread).toBe(0);
  });

  it('throws what the handler throws (a non-finite loss) from the call that hands that step over', async () => {
    const results = new StepResults(1, (result) => {
      if (!Number.isFinite(result.loss)) throw new Error(`loss ${result.loss} at batch ${result.batch}`);
    });
    const steps = [1, 2, 3].map(pendingStep);
    await results.add(steps[0]!.step);
    const second = results.add(steps[1]!.step);
    steps[0]!.arrive(NaN);
    await expect(second).rejects.toThrow('loss NaN at batch 1');
  });
});
