import { z } from 'zod';

/** Keras metric names a run can report. */
export const metricNameSchema = z.enum(['accuracy', 'top_k_accuracy']);
