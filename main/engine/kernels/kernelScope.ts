import { getKernel, type DataId, type NamedAttrMap, type NamedTensorInfoMap, type TensorInfo } from '@tensorflow/tfjs-core';

/** The part of a backend a composed kernel needs: freeing the tensors it made along the way. */
export interface DisposingBackend {
  disposeData(dataId: DataId, force?: boolean): boolean;
}

/**
 * Runs other kernels of the same backend directly, the way backends compose their own
 * kernels: no engine bookkeeping and no gradient tape, so a composed kernel costs what
 * its parts cost. Every intermediate is freed by `dispose` except the ones `keep` hands
 * back, so a failure half way leaks nothing.
 */
export class KernelScope {
  private readonly made: TensorInfo[] = [];
  private readonly kept = new Set<TensorInfo>();

  constructor(
    private readonly backend: DisposingBackend,
    private readonly backendName: string,
    private readonly callerName: string,
  ) {}

  /**
   * Runs `kernelName` on this backend and tracks its output.
   * @throws Error naming the backend and the calling kernel when a needed kernel is missing.
   */
  run(kernelName: string, inputs: NamedTensorInfoMap, attrs: object = {}): TensorInfo {
    const kernel = getKernel(kernelName, this.backendName);
    if (kernel === undefined) {
      throw new Error(`${this.backendName} backend ${this.callerName} needs the ${kernelName} kernel, which is not registered.`);
    }
    const output = kernel.kernelFunc({ inputs, backend: this.backend, attrs: attrs as NamedAttrMap });
    if (Array.isArray(output)) {
      throw new Error(`${this.backendName} backend ${this.callerName} expected one output from ${kernelName}. Received: outputs=${output.length}`);
    }
    this.made.push(output);
    return output;
  }

  /** Marks `result` as the caller's: `dispose` leaves it alive. */
  keep(result: TensorInfo): TensorInfo {
    this.kept.add(result);
    return result;
  }

  /** Frees every intermediate that was not kept (reshapes share data, so freeing is ref-counted). */
  dispose(): void {
    for (const info of this.made) {
      if (!this.kept.has(info)) this.backend.disposeData(info.dataId);
    }
    this.made.length = 0;
  }
}

/** Normalises a stride or dilation attribute (`2` or `[2, 1]`) to `[height, width]`. */
export function pair(value: number | readonly number[]): [number, number] {
  if (typeof value === 'number') return [value, value];
  const [first, second] = value;
  return [first ?? 1, second ?? first ?? 1];
}

/** Product of a shape's dimensions: zero-size tensors let kernels return early. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((product, dim) => product * dim, 1);
}
