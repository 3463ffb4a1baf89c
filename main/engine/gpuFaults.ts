/// <reference types="@webgpu/types" />
import { LabError } from '../../common/errors';

/** What went wrong with a GPU device, from the most to the least specific. */
export type GpuFaultKind = 'device-lost' | 'out-of-memory' | 'limit-exceeded' | 'shader-compilation' | 'gpu-error';

/** The first fault a device reported. */
export interface GpuFault {
  kind: GpuFaultKind;
  /** A sentence naming the cause, for run.failed and the backend report. */
  message: string;
}

interface WatchedDevice {
  /** The device line, e.g. "NVIDIA H200 (WebGPU, Vulkan)". */
  deviceName: string;
  fault: GpuFault | undefined;
  /** Set when the engine itself retires the device (backend replaced): its loss is no fault. */
  retired: boolean;
}

const watched = new WeakMap<GPUDevice, WatchedDevice>();

/** The first lines of a WebGPU error message (Dawn appends long call stacks). */
function firstLines(text: string, lines = 3): string {
  return text.split('\n').map((line) => line.trim()).filter((line) => line.length > 0 && !line.startsWith('at ')).slice(0, lines).join(' ').slice(0, 400);
}

/** Dawn's words for a shader module that did not compile ("Error while parsing WGSL", "[Invalid ShaderModule]"). */
const SHADER_ERROR = /WGSL|ShaderModule|\bTint\b/;
/** A buffer or binding beyond the device's limits: the model or batch is too big for this GPU. */
const LIMIT_ERROR = /is larger than the maximum|exceeds the maximum|larger than the max/i;

/** Classifies an error a device raised outside any error scope. */
export function classifyGpuError(error: { constructor: { name: string }; message: string }, deviceName: string): GpuFault {
  const detail = firstLines(error.message);
  const type = error.constructor.name;
  if (type === 'GPUOutOfMemoryError') {
    return { kind: 'out-of-memory', message: `The GPU (${deviceName}) ran out of memory: ${detail}. Try a smaller batch size or a smaller model.` };
  }
  if (type === 'GPUValidationError' && SHADER_ERROR.test(error.message)) {
    return { kind: 'shader-compilation', message: `A GPU shader failed to compile on ${deviceName}: ${detail}` };
  }
  if (type === 'GPUValidationError' && LIMIT_ERROR.test(error.message)) {
    return { kind: 'limit-exceeded', message: `A tensor is larger than the GPU (${deviceName}) allows: ${detail}. Try a smaller batch size or a smaller model.` };
  }
  return { kind: 'gpu-error', message: `The GPU (${deviceName}) reported ${type === 'GPUInternalError' ? 'an internal error' : 'an error'}: ${detail}` };
}

/**
 * Records the faults a WebGPU device reports: `device.lost` (driver reset, GPU removed, the
 * device destroyed) and errors raised outside any error scope (`uncapturederror`: out of
 * memory, a shader that does not compile). tfjs-backend-webgpu raises no exception for the
 * latter: its results would silently be wrong, so the trainer asks `throwIfGpuFaulted`.
 */
export function watchGpuDevice(device: GPUDevice, deviceName: string): void {
  const state: WatchedDevice = { deviceName, fault: undefined, retired: false };
  watched.set(device, state);
  device.addEventListener('uncapturederror', (event) => {
    const error = (event as GPUUncapturedErrorEvent).error;
    // The first error is the cause; those after it are mostly its consequences (invalid buffers, pipelines).
    state.fault ??= classifyGpuError(error, deviceName);
  });
  void device.lost.then((info) => {
    if (state.retired) return;
    const why = info.message ? `: ${firstLines(info.message)}` : '';
    const lost: GpuFault = { kind: 'device-lost', message: `The GPU device was lost (${deviceName}, reason ${info.reason ?? 'unknown'}${why}). The driver may have reset, or the GPU was removed or reclaimed.` };
    // A loss explains the unspecific errors raised before it; out of memory, limits and shaders are causes of their own.
    if (state.fault === undefined || state.fault.kind === 'gpu-error') state.fault = lost;
  });
}

/** Marks a device the engine is about to dispose of, so that its loss is not reported as a fault. */
export function retireGpuDevice(device: GPUDevice): void {
  const state = watched.get(device);
  if (state) state.retired = true;
}

/** The WebGPU device of the engine's current backend, if it runs on one. */
function currentDevice(tfjs: { backend(): unknown }): GPUDevice | undefined {
  const backend = tfjs.backend() as { device?: GPUDevice } | undefined;
  return backend?.device;
}

/** The first fault of the current backend's GPU device; undefined when healthy or not on a GPU. */
export function currentGpuFault(tfjs: { backend(): unknown }): GpuFault | undefined {
  const device = currentDevice(tfjs);
  return device === undefined ? undefined : watched.get(device)?.fault;
}

/** The error that says which GPU fault ended a run. */
export function gpuFaultError(fault: GpuFault): LabError {
  return new LabError('TRAIN_GPU_FAULT', fault.message, { fault: fault.kind });
}

/**
 * Throws when the current backend's GPU reported a fault. Lets queued device events in
 * first (they arrive on the event loop), so a fault raised by the last step is seen.
 *
 * @throws LabError `TRAIN_GPU_FAULT` naming the cause (device lost, out of memory, shader).
 */
export async function throwIfGpuFaulted(tfjs: { backend(): unknown }): Promise<void> {
  if (currentDevice(tfjs) === undefined) return;
  await new Promise<void>((resolve) => setImmediate(resolve));
  const fault = currentGpuFault(tfjs);
  if (fault) throw gpuFaultError(fault);
}

/**
 * Explains a failure of a run on a GPU: when the device reported a fault, that fault is
 * the cause (a failed read after a device loss only says "OperationError"). Waits briefly,
 * since `device.lost` may settle just after the read that failed because of it.
 */
export async function explainGpuFailure(tfjs: { backend(): unknown }, error: unknown): Promise<unknown> {
  if (error instanceof LabError && error.code === 'TRAIN_GPU_FAULT') return error;
  let device: GPUDevice | undefined;
  try {
    device = currentDevice(tfjs);
  } catch {
    return error;
  }
  if (device === undefined) return error;
  for (let attempt = 0; attempt < 10; attempt++) {
    const fault = watched.get(device)?.fault;
    if (fault) return gpuFaultError(fault);
    await new Promise<void>((resolve) => setTimeout(resolve, 20));
  }
  return error;
}
