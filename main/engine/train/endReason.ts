import { plural } from '../../../common/text/plural';
import type { TrainResult } from './trainer';

/** The sentence a finished run records as its end reason ("Trained 1 epoch.", "Early stopping after epoch 7."). */
export function describeTrainingEnd(result: Pick<TrainResult, 'reason' | 'epochsCompleted'>): string {
  if (result.reason === 'completed') return `Trained ${plural(result.epochsCompleted, 'epoch')}.`;
  if (result.reason === 'stopped') return `Stopped after ${plural(result.epochsCompleted, 'complete epoch')}.`;
  return `Early stopping after epoch ${result.epochsCompleted}.`;
}
