import { describe, expect, it } from 'vitest';
import { describeTrainingEnd } from '../../../../../main/engine/train/endReason';

describe('describeTrainingEnd', () => {
  it('counts epochs in the right number', () => {
    expect(describeTrainingEnd({ reason: 'completed', epochsCompleted: 1 })).toBe('Trained 1 epoch.');
    expect(describeTrainingEnd({ reason: 'completed', epochsCompleted: 12 })).toBe('Trained 12 epochs.');
    expect(describeTrainingEnd({ reason: 'stopped', epochsCompleted: 1 })).toBe('Stopped after 1 complete epoch.');
    expect(describeTrainingEnd({ reason: 'stopped', epochsCompleted: 0 })).toBe('Stopped after 0 complete epochs.');
    expect(describeTrainingEnd({ reason: 'early_stopping', epochsCompleted: 7 })).toBe('Early stopping after epoch 7.');
  });
});
