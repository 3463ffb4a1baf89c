import { z } from 'zod';

/** The training backends, in the automatic order of preference. */
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
