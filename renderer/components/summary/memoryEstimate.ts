import type { GraphAnalysis } from '../../../common/graph/problems';
import { featureSize } from '../../../common/graph/shape';

/** Bytes per float32 value, the dtype every layer uses. */
const FLOAT32_BYTES = 4;
/** Batch size the estimate assumes, the Keras `fit` default. */
export const ESTIMATE_BATCH_SIZE = 32;

/** Memory a model needs, roughly: its weights plus one batch of layer outputs. */
export interface MemoryEstimate {
  paramBytes: number;
  activationBytes: number;
  totalBytes: number;
  batchSize: number;
}

/**
 * Estimates memory as parameters × 4 bytes plus every layer's output for one batch
 * (float32). Training keeps gradients and optimizer slots too, so it needs a few times
 * the parameter share; this is the floor, stated as such in the panel.
 */
export function estimateMemory(analysis: Pick<GraphAnalysis, 'shapes' | 'totals'>, batchSize = ESTIMATE_BATCH_SIZE): MemoryEstimate {
  const paramBytes = analysis.totals.total * FLOAT32_BYTES;
  let activationValues = 0;
  for (const shape of Object.values(analysis.shapes)) activationValues += featureSize(shape) ?? 0;
  const activationBytes = activationValues * batchSize * FLOAT32_BYTES;
  return { paramBytes, activationBytes, totalBytes: paramBytes + activationBytes, batchSize };
}
