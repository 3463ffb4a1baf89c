import { z } from 'zod';
import { defineMethod } from '../method';

export const backendNameSchema = z.enum(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']);
export type BackendName = z.infer<typeof backendNameSchema>;

export const backendCandidateSchema = z.object({
  name: backendNameSchema,
  /** The npm package that provides it. */
  packageName: z.string(),
  available: z.boolean(),
  /** Why it is unavailable (missing package, no CUDA device, failed to load), or why it was chosen. */
  reason: z.string(),
});

export const backendReportSchema = z.object({
  /** The backend that runs (or would run) training. */
  chosen: backendNameSchema,
  /** Human description of the device, e.g. "NVIDIA H100 (CUDA)" or "CPU, 2 threads (WebAssembly SIMD)". */
  device: z.string(),
  /** Every candidate in preference order, with why it is or isn't used. */
  candidates: z.array(backendCandidateSchema),
  /** True when `chosen` came from a setting or `--backend` rather than the automatic order. */
  overridden: z.boolean(),
});
export type BackendReport = z.infer<typeof backendReportSchema>;

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
