import type { ConfusionCellImages, EvaluationPredictions, StoredEvaluation } from '../../common/training/evaluation';
import { LabError } from '../../common/errors';
import type { DatasetCache } from '../data/datasetCache';
import { withThumbnails } from './evaluate';

/** Positions (into the prediction columns) of the examples of one cell, highest loss first. */
export function rankCellExamples(predictions: EvaluationPredictions, trueClass: number, predictedClass: number): number[] {
  const positions: number[] = [];
  for (let i = 0; i < predictions.index.length; i++) {
    if (predictions.trueClass[i] === trueClass && predictions.predictedClass[i] === predictedClass) positions.push(i);
  }
  // Ties keep record order so the same cell always lists the same images.
  return positions.sort((a, b) => (predictions.loss[b] as number) - (predictions.loss[a] as number) || a - b);
}

/** What `confusionCellImages` needs. */
export interface ConfusionCellRequest {
  trueClass: number;
  predictedClass: number;
  /** The most images to return. */
  limit: number;
}

/**
 * The images of one confusion-matrix cell of a saved evaluation, highest loss first, with
 * thumbnails read from the dataset cache.
 *
 * @throws LabError `API_BAD_INPUT` (field `trueClass` or `predictedClass`) when a class index is outside the evaluation's classes.
 */
export async function confusionCellImages(cache: DatasetCache, evaluation: StoredEvaluation, request: ConfusionCellRequest): Promise<ConfusionCellImages> {
  const classes = evaluation.classes.length;
  for (const field of ['trueClass', 'predictedClass'] as const) {
    const value = request[field];
    if (!Number.isInteger(value) || value < 0 || value >= classes) {
      throw new LabError('API_BAD_INPUT', `Expected ${field} to be a class index from 0 to ${classes - 1}. Received: ${field}=${value}`, { field, received: value });
    }
  }
  const { predictions } = evaluation;
  const ranked = rankCellExamples(predictions, request.trueClass, request.predictedClass);
  const images = await withThumbnails(cache, ranked.slice(0, request.limit).map((i) => ({
    index: predictions.index[i] as number,
    trueClass: request.trueClass,
    predictedClass: request.predictedClass,
    confidence: predictions.confidence[i] as number,
    loss: predictions.loss[i] as number,
  })));
  return { trueClass: request.trueClass, predictedClass: request.predictedClass, total: ranked.length, images };
}
