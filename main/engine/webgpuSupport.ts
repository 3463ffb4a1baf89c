/// <reference types="@webgpu/types" />
import os from 'node:os';
import { retireGpuDevice, watchGpuDevice } from './gpuFaults';

/** The npm package that brings WebGPU to Node: Dawn's `dawn.node`, prebuilt in its tarball. */
export const DAWN_PACKAGE = 'webgpu';

/** The tfjs backend package whose kernels run on a WebGPU device. */
export const WEBGPU_BACKEND_PACKAGE = '@tensorflow/tfjs-backend-webgpu';

/** What Dawn says about the adapter it would give us, before any device is created. */
export interface WebGpuAdapterProbe {
  /** True when Dawn loaded and returned an adapter. */
  found: boolean;
  /** True for a CPU rasteriser (llvmpipe, SwiftShader, WARP): correct, but CPU speed. */
  software: boolean;
  /** The device line, e.g. "NVIDIA H200 (WebGPU, Vulkan)". */
  device: string;
  /** Why the adapter can or cannot be used, for `model-lab info` and the backend badge. */
  evidence: string;
}

interface DawnModule {
  create(options: string[]): GPU;
  globals: object;
}

let dawn: Promise<DawnModule> | undefined;

/**
 * Loads dawn.node once and installs the WebGPU globals (GPUBufferUsage, GPUMapMode, …)
 * that tfjs-backend-webgpu reads, as a browser would provide them. `navigator.gpu` is not
 * set: tfjs-backend-webgpu would then register itself with its own adapter choice, and the
 * engine registers the backend on the adapter it chose instead.
 */
function loadDawn(): Promise<DawnModule> {
  dawn ??= (async () => {
    // A computed specifier keeps bundlers from inlining the native loader's path logic.
    const specifier: string = DAWN_PACKAGE;
    const module = (await import(/* @vite-ignore */ specifier)) as DawnModule;
    Object.assign(globalThis, module.globals);
    return module;
  })();
  return dawn;
}

/**
 * Dawn instances by their flags. Held for the life of the process: an instance that the
 * garbage collector reclaims while its adapter's device is still in use takes the device's
 * event processing with it (dawn.node then deadlocks or crashes in its next callback).
 */
const instances = new Map<string, GPU>();

function dawnInstance(module: DawnModule, flags: string[]): GPU {
  const key = flags.join('\n');
  let instance = instances.get(key);
  if (instance === undefined) {
    instance = module.create(flags);
    instances.set(key, instance);
  }
  return instance;
}

/** The graphics API Dawn uses on this OS (it picks the native one). */
export function nativeGraphicsApi(platform: NodeJS.Platform = os.platform()): string {
  if (platform === 'darwin') return 'Metal';
  if (platform === 'win32') return 'D3D12';
  return 'Vulkan';
}

const SOFTWARE_ADAPTER = /llvmpipe|lavapipe|softpipe|swiftshader|microsoft basic render|\bwarp\b/i;

/** True when an adapter is a CPU rasteriser rather than a GPU. */
export function isSoftwareAdapter(info: Pick<GPUAdapterInfo, 'vendor' | 'architecture' | 'device' | 'description'> & { isFallbackAdapter?: boolean }): boolean {
  if (info.isFallbackAdapter === true) return true;
  if (info.architecture.toLowerCase() === 'software') return true;
  return SOFTWARE_ADAPTER.test(`${info.vendor} ${info.device} ${info.description}`);
}

/** "NVIDIA H200 (WebGPU, Vulkan)": the adapter's own name, then the API it runs on. */
export function webGpuDeviceName(info: Pick<GPUAdapterInfo, 'vendor' | 'device' | 'description'>, api = nativeGraphicsApi()): string {
  // Mesa describes its drivers as "llvmpipe: Mesa 25.0.7 (LLVM 15.0.6)": the part before the colon names it.
  const description = info.description.replace(/:\s*Mesa\b.*$/, '').trim();
  const name = description || info.device.trim() || info.vendor.trim() || 'GPU';
  return `${name} (WebGPU, ${api})`;
}

/**
 * `MODEL_LAB_WEBGPU_ADAPTER` picks an adapter by (part of) its name, e.g. `llvmpipe` for the
 * software rasteriser in tests, or one GPU of several; empty means Dawn's high-performance choice.
 */
export const WEBGPU_ADAPTER_ENV = 'MODEL_LAB_WEBGPU_ADAPTER';

/** Options for choosing the WebGPU adapter. */
export interface WebGpuAdapterOptions {
  /** Part of the adapter's name to pick (Dawn's `adapter=` flag); default from `MODEL_LAB_WEBGPU_ADAPTER`. */
  adapterName?: string | undefined;
}

/**
 * Asks Dawn for its high-performance adapter, or the one named by `adapterName`. Never
 * throws: a missing or broken dawn.node, or no adapter at all, is reported in `evidence`.
 */
export async function requestWebGpuAdapter(options: WebGpuAdapterOptions = {}): Promise<{ adapter: GPUAdapter | undefined; probe: WebGpuAdapterProbe }> {
  const unknownDevice = `GPU (WebGPU, ${nativeGraphicsApi()})`;
  const adapterName = options.adapterName ?? (process.env[WEBGPU_ADAPTER_ENV] || undefined);
  let module: DawnModule;
  try {
    module = await loadDawn();
  } catch (error) {
    const why = (error as Error).message.split('\n')[0] ?? String(error);
    return { adapter: undefined, probe: { found: false, software: false, device: unknownDevice, evidence: `dawn.node (${DAWN_PACKAGE}) failed to load: ${why}` } };
  }
  let adapter: GPUAdapter | null;
  try {
    adapter = await dawnInstance(module, adapterName === undefined ? [] : [`adapter=${adapterName}`]).requestAdapter({ powerPreference: 'high-performance' });
  } catch (error) {
    // Dawn rejects with a string (not an Error) when the named adapter is not there, listing the others.
    const lines = (error instanceof Error ? error.message : String(error)).split('\n');
    const available = lines.map((line) => /name: '([^']*)'/.exec(line)?.[1]).filter((name): name is string => name !== undefined);
    const why = adapterName === undefined ? `no WebGPU adapter: ${lines[0]}`
      : `no WebGPU adapter named "${adapterName}" (${WEBGPU_ADAPTER_ENV}); ${available.length > 0 ? `Dawn found ${available.join(', ')}` : 'Dawn found none'}`;
    return { adapter: undefined, probe: { found: false, software: false, device: unknownDevice, evidence: why } };
  }
  if (adapter === null) {
    return { adapter: undefined, probe: { found: false, software: false, device: unknownDevice, evidence: `no WebGPU adapter (no ${nativeGraphicsApi()} driver found a GPU)` } };
  }
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const software = isSoftwareAdapter(info);
  const device = webGpuDeviceName(info);
  const evidence = software
    ? `only a software adapter (${info.description || info.device}): correct but CPU speed`
    : `${info.vendor || 'GPU'} adapter ${info.description || info.device}`;
  return { adapter, probe: { found: true, software, device, evidence } };
}

/**
 * WebGPUBackend's constructor refuses to run unless `navigator.gpu` exists (a browser check).
 * Node 20 has no `navigator`; Node 21+ and Electron's utility process have one without `gpu`.
 */
function exposeNavigatorGpu(module: DawnModule): void {
  const host = globalThis as { navigator?: object };
  if (host.navigator === undefined) host.navigator = {};
  if ('gpu' in host.navigator) return;
  const gpu = dawnInstance(module, []);
  Object.defineProperty(host.navigator, 'gpu', { value: gpu, configurable: true });
}

/** The tfjs backend name the engine registers for WebGPU. */
export const WEBGPU_TFJS_BACKEND = 'webgpu';

/**
 * Registers tfjs's `webgpu` backend on `adapter` (the one `requestWebGpuAdapter` chose), with
 * the features and limits tfjs-backend-webgpu asks for itself. `tf.setBackend('webgpu')`
 * then creates the device.
 */
export async function registerWebGpuBackend(tfjs: { registerBackend: typeof import('@tensorflow/tfjs').registerBackend; removeBackend: typeof import('@tensorflow/tfjs').removeBackend; engine: typeof import('@tensorflow/tfjs').engine }, adapter: GPUAdapter, deviceName = webGpuDeviceName(adapter.info)): Promise<void> {
  // Imported before navigator.gpu exists, so the package does not register a backend of its own.
  const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
  exposeNavigatorGpu(await loadDawn());
  if (tfjs.engine().registryFactory[WEBGPU_TFJS_BACKEND] !== undefined) {
    const previous = tfjs.engine().registry[WEBGPU_TFJS_BACKEND] as { device?: GPUDevice } | undefined;
    if (previous?.device) retireGpuDevice(previous.device);
    tfjs.removeBackend(WEBGPU_TFJS_BACKEND);
  }
  tfjs.registerBackend(WEBGPU_TFJS_BACKEND, async () => {
    const requiredFeatures: GPUFeatureName[] = [];
    if (adapter.features.has('timestamp-query')) requiredFeatures.push('timestamp-query');
    const limits = adapter.limits;
    const device = await adapter.requestDevice({
      requiredFeatures,
      requiredLimits: {
        maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
        maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
        maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
        maxBufferSize: limits.maxBufferSize,
        maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
        maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
      },
    });
    watchGpuDevice(device, deviceName);
    return new WebGPUBackend(device, adapter.info);
  });
}
