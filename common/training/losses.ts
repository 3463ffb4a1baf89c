import { z } from 'zod';

/** Keras loss names a run can train with. */
export const lossNameSchema = z.enum(['sparse_categorical_crossentropy', 'categorical_crossentropy', 'binary_crossentropy', 'mean_squared_error']);
export type LossName = z.infer<typeof lossNameSchema>;
