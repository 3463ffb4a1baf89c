import { z } from 'zod';
import { SHELL_EVENT_SCHEMAS } from './shellEvents';
import { RUN_EVENT_SCHEMAS } from './methods/runs';
import { GRID_EVENT_SCHEMAS } from './methods/gridSearch';
import { DATASET_EVENT_SCHEMAS } from './methods/datasets';
import { MODEL_EVENT_SCHEMAS } from './methods/models';

/**
 * Every event the lab emits, one discriminated union. Domain files add their event
 * schemas to `LAB_EVENT_SCHEMAS`; transports forward any of them unchanged.
 */
export const LAB_EVENT_SCHEMAS = [
  z.object({ type: z.literal('log'), level: z.enum(['info', 'warn', 'error']), message: z.string() }),
  ...SHELL_EVENT_SCHEMAS,
  ...RUN_EVENT_SCHEMAS,
  ...GRID_EVENT_SCHEMAS,
  ...DATASET_EVENT_SCHEMAS,
  ...MODEL_EVENT_SCHEMAS,
] as const;

export const labEventSchema = z.discriminatedUnion('type', [...LAB_EVENT_SCHEMAS]);
export type LabEvent = z.infer<typeof labEventSchema>;
export type LabEventType = LabEvent['type'];
export type LabEventOf<T extends LabEventType> = Extract<LabEvent, { type: T }>;
