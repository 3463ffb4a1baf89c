import { z } from 'zod';
import { defineMethod } from '../method';
import { backendReportSchema } from '../../training/backend';

export const systemInfoSchema = z.object({
  version: z.string(),
  platform: z.string(),
  node: z.string(),
  backend: backendReportSchema,
  /** Where the lab keeps its datasets, settings and recent list. */
  dataDir: z.string().optional(),
  /** The licence the app is distributed under (package.json `license`). */
  license: z.string().optional(),
});
export type SystemInfo = z.infer<typeof systemInfoSchema>;

export const systemMethods = {
  getSystemInfo: defineMethod({
    description: 'Version, platform and the training backend with the reasons for the choice.',
    input: z.object({}).default({}),
    output: systemInfoSchema,
  }),
  ping: defineMethod({
    description: 'Round trip check for transports.',
    input: z.object({ message: z.string().default('ping') }).default({ message: 'ping' }),
    output: z.object({ message: z.string(), receivedAt: z.string() }),
  }),
};
