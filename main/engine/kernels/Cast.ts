import { type CastAttrs, type CastInputs, type DataId, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { aroundStock } from './aroundStock';

/**
 * Cast to the tensor's own dtype shares its memory, as Identity does here (./Identity.ts):
 * tfjs-backend-wasm 4.22 copies it, and every ReLU gradient casts a float32 mask to float32.
 */
function cast(stock: KernelFunc, args: Parameters<KernelFunc>[0]): TensorInfo {
  const { x } = args.inputs as CastInputs;
  const { dtype } = args.attrs as unknown as CastAttrs;
  if (x === undefined) throw new Error('wasm backend Cast expects input x.');
  if (x.dtype !== dtype || dtype === 'string') return stock(args) as TensorInfo;
  (args.backend as unknown as { incRef(dataId: DataId): void }).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype };
}

/** Cast for the wasm backend around tfjs's own (`stock`), which converts between dtypes. */
export function castConfig(stock: KernelConfig): KernelConfig {
  return aroundStock(stock, cast);
}
