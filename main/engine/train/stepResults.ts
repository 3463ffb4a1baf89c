/** A training step whose loss and metric counts are still being read back from the device. */
export interface PendingStep {
  epoch: number;
  /** 1-based index of the step in its epoch. */
  batch: number;
  /** Examples in the step's batch. */
  examples: number;
  /** The learning rate the step used. */
  learningRate: number;
  /** [loss, correct, inTopK], as the device computed them. */
  values: Promise<ArrayLike<number>>;
}

/** A step with its values read. */
export interface StepResult {
  epoch: number;
  batch: number;
  examples: number;
  learningRate: number;
  loss: number;
  correct: number;
  topK: number;
}

interface Entry {
  step: PendingStep;
  values: ArrayLike<number> | undefined;
}

/**
 * Reads training steps' results without stopping the device after every step. Awaiting a
 * step's loss before starting the next one makes a GPU idle while JavaScript records the
 * next step, and makes JavaScript idle while the GPU runs: each waits for the other. Here
 * up to `maxUnread` steps are recorded before the oldest must have arrived, and results are
 * handed to `onResult` in step order as they arrive. On a CPU backend a read arrives at the
 * next turn of the event loop, so results are handled as promptly as before.
 */
export class StepResults {
  private readonly entries: Entry[] = [];

  /**
   * @param maxUnread Steps that may be recorded before the oldest one's values arrive.
   * @param onResult Called once per step, in order; what it throws (a non-finite loss)
   *   comes out of the `add`, `takeArrived` or `drain` call that handed the step over.
   */
  constructor(
    private readonly maxUnread: number,
    private readonly onResult: (result: StepResult) => void,
  ) {}

  /** Adds a recorded step; waits only while more than `maxUnread` steps are unread. */
  async add(step: PendingStep): Promise<void> {
    const entry: Entry = { step, values: undefined };
    // A read that fails is reported by the await below, or not at all when the run has ended already.
    step.values.then((values) => (entry.values = values), () => undefined);
    this.entries.push(entry);
    this.takeArrived();
    while (this.entries.length > this.maxUnread) {
      await this.entries[0]?.step.values;
      this.takeArrived();
    }
  }

  /** Hands over, in order, every step whose values have arrived; never waits. */
  takeArrived(): void {
    for (let head = this.entries[0]; head?.values !== undefined; head = this.entries[0]) {
      this.entries.shift();
      const { step, values } = head;
      this.onResult({ epoch: step.epoch, batch: step.batch, examples: step.examples, learningRate: step.learningRate, loss: values[0] ?? NaN, correct: values[1] ?? 0, topK: values[2] ?? 0 });
    }
  }

  /** Waits for every step added so far and hands them all over. */
  async drain(): Promise<void> {
    while (this.entries.length > 0) {
      await this.entries[0]?.step.values;
      this.takeArrived();
    }
  }

  /** Steps added and not yet handed over. */
  get unread(): number {
    return this.entries.length;
  }
}
