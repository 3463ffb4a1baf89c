import { type DataId, type IdentityInputs, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { aroundStock } from './aroundStock';

/**
 * Identity that shares its input's memory (a reference count more), as the cpu backend's
 * does and as tfjs-backend-wasm's own Reshape does. tfjs-backend-wasm 4.22's Identity
 * copies the tensor, and the engine runs Identity to keep every tensor a gradient needs
 * (`saveTensorsForBackwardMode`): a copy of most activations on every training step.
 * Tensors never change once written, so sharing is safe; strings keep tfjs's own copy.
 */
function identity(stock: KernelFunc, args: Parameters<KernelFunc>[0]): TensorInfo {
  const { x } = args.inputs as IdentityInputs;
  if (x === undefined) throw new Error('wasm backend Identity expects input x.');
  if (x.dtype === 'string') return stock(args) as TensorInfo;
  (args.backend as unknown as { incRef(dataId: DataId): void }).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/** Identity for the wasm backend around tfjs's own (`stock`), which still handles strings. */
export function identityConfig(stock: KernelConfig): KernelConfig {
  return aroundStock(stock, identity);
}
