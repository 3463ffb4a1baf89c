import { z } from 'zod';

/** Which way a monitored value improves (Keras `mode`). */
export const monitorModeSchema = z.enum(['auto', 'min', 'max']);
export type MonitorMode = z.infer<typeof monitorModeSchema>;

/** Keras EarlyStopping. */
export const earlyStoppingSchema = z.object({
  monitor: z.string().default('val_loss'),
  minDelta: z.number().min(0).default(0),
  patience: z.number().int().min(0).default(0),
  mode: monitorModeSchema.default('auto'),
  restoreBestWeights: z.boolean().default(false),
  startFromEpoch: z.number().int().min(0).default(0),
});

/** Keras ModelCheckpoint(save_best_only=True): which epoch counts as best. The last epoch is always kept too. */
export const checkpointSchema = z.object({
  monitor: z.string().default('val_loss'),
  mode: monitorModeSchema.default('auto'),
});
