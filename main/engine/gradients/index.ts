import { registerGradient } from '@tensorflow/tfjs-core';
import { dilatedConv2DGradConfig } from './Conv2DGrad';
import { dilatedDepthwiseConv2dNativeGradConfig } from './DepthwiseConv2dNativeGrad';
import { resizeBilinearGradConfig, resizeNearestNeighborGradConfig } from './ResizeGrad';

let registered = false;

/**
 * Replaces gradients of TF.js 4.22 that stop or corrupt training of catalog layers:
 * Conv2D and DepthwiseConv2dNative refuse dilation rates above 1 (the replacements
 * handle them and defer to TF.js's own otherwise), and the resize gradients behind
 * UpSampling2D are wrong on the cpu (nearest, batch > 1) and wasm (bilinear, non-square)
 * backends. Registered once per process: the dilation replacements capture TF.js's
 * originals, which a second registration would lose.
 */
export function registerGradientFixes(): void {
  if (registered) return;
  registered = true;
  registerGradient(dilatedConv2DGradConfig());
  registerGradient(dilatedDepthwiseConv2dNativeGradConfig());
  registerGradient(resizeNearestNeighborGradConfig());
  registerGradient(resizeBilinearGradConfig());
}
