import { z } from 'zod';

/** The training backends, in the automatic order of preference. */
export const backendNameSchema = z.enum(['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu']);
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
  /**
   * Said aloud when a backend that would have run is skipped because an earlier run on it
   * failed (GPU lost, out of memory, a shader that did not compile), and how to retry it.
   */
  notice: z.string().optional(),
});
export type BackendReport = z.infer<typeof backendReportSchema>;

/**
 * A run that failed because of its backend (a GPU fault). The lab remembers the newest one
 * per backend, so that the next run falls back to the next backend instead of failing again.
 */
export const backendFaultSchema = z.object({
  backend: backendNameSchema,
  /** The device line of the failed run, e.g. "NVIDIA H200 (WebGPU, Vulkan)". */
  device: z.string(),
  /** The run.failed reason: what happened to the device. */
  reason: z.string(),
  runId: z.string(),
  /** ISO time of the failure. */
  at: z.string(),
});
export type BackendFault = z.infer<typeof backendFaultSchema>;
