import { describe, expect, it } from 'vitest';
import type { StoredEvaluation } from '../../../../common/training/evaluation';
import { confusionCellImages, rankCellExamples } from '../../../../main/engine/confusionCell';
import { memoryDatasetCache, syntheticDataset } from './train/datasetFixture';

const metrics = { precision: 0, recall: 0, f1: 0, support: 0 };

/** A saved evaluation of three classes whose predictions the test writes by hand. */
function storedEvaluation(predictions: StoredEvaluation['predictions']): StoredEvaluation {
  return {
    runId: 'r1', checkpoint: 'best', split: 'test', examples: predictions.index.length, loss: 0, accuracy: 0, topK: { k: 1, accuracy: 0 },
    classes: ['band0', 'band1', 'band2'], confusionMatrix: [[0, 0, 0], [0, 0, 0], [0, 0, 0]],
    perClass: [], macroAverage: metrics, weightedAverage: metrics, misclassified: [], evaluatedAt: '', predictions,
  };
}

// Records 80..85: two correct band0 (losses 0.1, 0.4), band1 seen as band0 twice (1.5, 2.5), one correct band1 and one correct band2.
const evaluation = storedEvaluation({
  index: [80, 81, 82, 83, 84, 85],
  trueClass: [0, 0, 1, 1, 1, 2],
  predictedClass: [0, 0, 0, 0, 1, 2],
  confidence: [0.9, 0.6, 0.7, 0.95, 0.8, 0.99],
  loss: [0.1, 0.4, 1.5, 2.5, 0.2, 0.01],
});
const dataset = syntheticDataset({ count: 96, size: 8, classes: 3 });

describe('rankCellExamples', () => {
  it('lists the positions of one cell, highest loss first, ties in record order', () => {
    expect(rankCellExamples(evaluation.predictions, 1, 0)).toEqual([3, 2]);
    expect(rankCellExamples(evaluation.predictions, 0, 0)).toEqual([1, 0]);
    const tied = { ...evaluation.predictions, loss: [1, 1, 1, 1, 1, 1] };
    expect(rankCellExamples(tied, 0, 0)).toEqual([0, 1]);
  });
});

describe('confusionCellImages', () => {
  it('returns an off-diagonal cell ranked by loss with confidence and PNG thumbnails of the cached pixels', async () => {
    const cell = await confusionCellImages(memoryDatasetCache(dataset), evaluation, { trueClass: 1, predictedClass: 0, limit: 24 });
    expect(cell.total).toBe(2);
    expect(cell.images.map((image) => [image.index, image.loss, image.confidence])).toEqual([[83, 2.5, 0.95], [82, 1.5, 0.7]]);
    expect(cell.images.every((image) => image.trueClass === 1 && image.predictedClass === 0)).toBe(true);
    expect(cell.images[0]?.thumbnail.startsWith('data:image/png;base64,')).toBe(true);
    expect(cell.images[0]?.thumbnail).not.toBe(cell.images[1]?.thumbnail);
  });

  it('returns the correct predictions of a diagonal cell, limited to the highest losses', async () => {
    const cell = await confusionCellImages(memoryDatasetCache(dataset), evaluation, { trueClass: 0, predictedClass: 0, limit: 1 });
    expect(cell.total).toBe(2);
    expect(cell.images.map((image) => image.index)).toEqual([81]);
  });

  it('returns no images for an empty cell', async () => {
    const cell = await confusionCellImages(memoryDatasetCache(dataset), evaluation, { trueClass: 2, predictedClass: 1, limit: 24 });
    expect(cell).toEqual({ trueClass: 2, predictedClass: 1, total: 0, images: [] });
  });

  it('rejects a class index outside the evaluation with API_BAD_INPUT naming the field', async () => {
    await expect(confusionCellImages(memoryDatasetCache(dataset), evaluation, { trueClass: 3, predictedClass: 0, limit: 24 }))
      .rejects.toMatchObject({ code: 'API_BAD_INPUT', details: { field: 'trueClass', received: 3 } });
    await expect(confusionCellImages(memoryDatasetCache(dataset), evaluation, { trueClass: 0, predictedClass: 7, limit: 24 }))
      .rejects.toMatchObject({ code: 'API_BAD_INPUT', details: { field: 'predictedClass', received: 7 } });
  });
});
