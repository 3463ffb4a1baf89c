import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';

/**
 * An element-wise WGSL update that rewrites several tensors in place in one dispatch (an
 * optimizer step: the variable and its moments). tfjs's programs have one writable
 * output, so these shaders are written whole here and recorded through the backend's own
 * dispatch path, which keeps its buffer ownership, submit batching and profiling timers.
 */
export interface InPlaceUpdate {
  /** Pipeline cache key: different `body` or tensor lists need different keys. */
  key: string;
  /** Tensors read and written, each the same size (the variable first). */
  written: readonly string[];
  /** Tensors only read: the same size as the written ones, or scalars listed in `scalars`. */
  read: readonly string[];
  /** Names in `read` that hold one value, read as `name[0]`. */
  scalars: readonly string[];
  /** f32 uniforms, read as `u.name`. */
  uniforms: readonly string[];
  /**
   * WGSL run for element `i`, of type `T` (f32, or vec4<f32> when the size is a multiple of
   * 4): reads `name[i]`, writes `name[i] = ...`.
   */
  body: string;
}

/** The members of tfjs-backend-webgpu 4.22's backend this module uses beyond its public API. */
interface BackendInternals {
  device: GPUDevice;
  tensorMap: { get(dataId: object): { values: unknown; refCount: number } };
  uploadToGPU(dataId: object): void;
  /**
   * Private in 4.22: binds [output, ...inputs, uniforms] to `program.pipeline` and records
   * the dispatch. Its uniforms start with NAN, INFINITY, then a shape and strides per
   * tensor (inputs, then output), then the program's own.
   */
  recordAndSubmit(program: RecordedProgram, output: TensorInfo, inputs: TensorInfo[], uniforms: Array<{ type: string; data: number[] }>): void;
}

interface RecordedProgram {
  pipeline: GPUComputePipeline;
  dispatch: [number, number, number];
  outputShape: number[];
}

const WORKGROUP = 256;
const pipelines = new WeakMap<GPUDevice, Map<string, GPUComputePipeline>>();

/**
 * The shader: bindings in the order `recordAndSubmit` makes them (the first written tensor
 * as the program output, then the other written ones, then the read ones, then uniforms),
 * and a uniform struct laid out as it writes it. Every binding is used, so the automatic
 * layout keeps them all.
 */
function shaderSource(update: InPlaceUpdate, vec4: boolean): string {
  const type = vec4 ? 'vec4<f32>' : 'f32';
  const tensors = [...update.written, ...update.read];
  // recordAndSubmit writes a shape and strides for each input, then for the output: all
  // tensors are bound as 1-D, so each is two i32.
  const header = tensors.map((_, i) => `shape${i} : i32, strides${i} : i32,`).join(' ');
  const bindings = tensors.map((name, i) => {
    const access = i < update.written.length ? 'read_write' : 'read';
    const element = update.scalars.includes(name) ? 'f32' : type;
    return `@group(0) @binding(${i}) var<storage, ${access}> ${name} : array<${element}>;`;
  });
  return `
  alias T = ${type};
  struct Uniforms { NAN : f32, INFINITY : f32, ${header} size : i32, ${update.uniforms.map((name) => `${name} : f32,`).join(' ')} };
  ${bindings.join('\n  ')}
  @group(0) @binding(${tensors.length}) var<uniform> u : Uniforms;

  @compute @workgroup_size(${WORKGROUP})
  fn _start(@builtin(global_invocation_id) id : vec3<u32>, @builtin(num_workgroups) groups : vec3<u32>) {
    let i = i32(id.y * groups.x * ${WORKGROUP}u + id.x);
    if (i >= u.size) { return; }
    ${update.body}
  }`;
}

function pipelineFor(device: GPUDevice, update: InPlaceUpdate, vec4: boolean): GPUComputePipeline {
  let cache = pipelines.get(device);
  if (cache === undefined) {
    cache = new Map();
    pipelines.set(device, cache);
  }
  const key = `${update.key}_${vec4 ? 4 : 1}`;
  let pipeline = cache.get(key);
  if (pipeline === undefined) {
    const module = device.createShaderModule({ code: shaderSource(update, vec4), label: update.key });
    pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: '_start' }, label: update.key });
    cache.set(key, pipeline);
  }
  return pipeline;
}

/** The same tensor seen as 1-D, which is how the update shaders index it. */
function flat(tensor: TensorInfo, size: number): TensorInfo {
  return { dataId: tensor.dataId, shape: [size], dtype: tensor.dtype };
}

/**
 * Records `update` over `tensors` (by name; the written ones must be owned by the caller
 * alone, as nothing else sees the write) with `uniforms` (by name). The written tensors'
 * values cached on the CPU by an earlier read are dropped, since the GPU copy changes.
 *
 * @throws Error naming the tensor when one is missing, or when a written one shares its data.
 */
export function runInPlaceUpdate(
  backend: WebGPUBackend,
  update: InPlaceUpdate,
  tensors: Readonly<Record<string, TensorInfo | undefined>>,
  uniforms: Readonly<Record<string, number>>,
): void {
  const internals = backend as unknown as BackendInternals;
  const named = (name: string): TensorInfo => {
    const tensor = tensors[name];
    if (tensor === undefined) throw new Error(`webgpu backend ${update.key} expects the tensor ${name}.`);
    return tensor;
  };
  const size = named(update.written[0] as string).shape.reduce((a, b) => a * b, 1);
  if (size === 0) return;
  const vec4 = size % 4 === 0;
  const elements = vec4 ? size / 4 : size;
  for (const name of update.written) {
    if (backend.refCount(named(name).dataId) !== 1) throw new Error(`webgpu backend ${update.key} writes ${name} in place, but other tensors share its data.`);
  }
  const infos = [...update.written, ...update.read].map((name) => {
    const tensor = named(name);
    internals.uploadToGPU(tensor.dataId);
    return update.scalars.includes(name) ? flat(tensor, 1) : flat(tensor, size);
  });
  const groups = Math.ceil(elements / WORKGROUP);
  const limit = internals.device.limits.maxComputeWorkgroupsPerDimension;
  const dispatch: [number, number, number] = groups <= limit ? [groups, 1, 1] : [limit, Math.ceil(groups / limit), 1];
  const program: RecordedProgram = { pipeline: pipelineFor(internals.device, update, vec4), dispatch, outputShape: [size] };
  const [output, ...inputs] = infos as [TensorInfo, ...TensorInfo[]];
  internals.recordAndSubmit(program, output, inputs, [
    { type: 'int32', data: [elements] },
    ...update.uniforms.map((name) => {
      const value = uniforms[name];
      if (value === undefined) throw new Error(`webgpu backend ${update.key} expects the uniform ${name}.`);
      return { type: 'float32', data: [value] };
    }),
  ]);
  for (const name of update.written) internals.tensorMap.get(named(name).dataId).values = null;
}
