import { z } from 'zod';
import { backendFaultSchema, backendNameSchema } from '../../../common/training/backend';
import { runEventSchema } from '../../../common/api/methods/runs';
import { transferSourceSchema } from '../../../common/training/transferSource';

/**
 * The messages between the main side and a training process. Plain structured-clonable
 * objects, validated with zod on both ends, so the same protocol runs over
 * `child_process.fork` IPC and Electron's `utilityProcess` MessagePort.
 */

/** Main side to training process. */
export const parentMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('start'),
    runId: z.string(),
    runDir: z.string(),
    /** Folder of the dataset cache to stream from. */
    datasetDir: z.string(),
    /**
     * Where the initial weights come from, as the main side checked it; run.json's copy is
     * not what the process reads paths from.
     */
    initialWeights: transferSourceSchema.nullable(),
    backend: backendNameSchema.nullable(),
    /** Backends earlier runs failed on, skipped with a notice (see main/engine/backendFaultLog.ts). */
    avoid: z.array(backendFaultSchema).default([]),
    /** Continue from the last checkpoint in runDir. */
    resume: z.boolean(),
  }),
  z.object({ type: z.literal('pause') }),
  z.object({ type: z.literal('resume') }),
  z.object({ type: z.literal('stop') }),
]);
export type ParentMessage = z.infer<typeof parentMessageSchema>;

const logEventSchema = z.object({ type: z.literal('log'), level: z.enum(['info', 'warn', 'error']), message: z.string() });

/** Training process to main side. */
export const childMessageSchema = z.discriminatedUnion('type', [
  /** Sent once the process listens, before `start`. */
  z.object({ type: z.literal('ready'), pid: z.number().int() }),
  z.object({ type: z.literal('event'), event: z.union([runEventSchema, logEventSchema]) }),
]);

/** Environment variable that marks a process as a training process (read by the entry). */
export const TRAINING_PROCESS_ENV = 'MODEL_LAB_TRAINING_PROCESS';
