import * as tf from '@tensorflow/tfjs';
import { requestWebGpuAdapter, registerWebGpuBackend } from './main/engine/webgpuSupport';
import { registerWebGpuKernels } from './main/engine/kernels/webgpu/index';
const { adapter } = await requestWebGpuAdapter();
await registerWebGpuBackend(tf, adapter!);
await tf.setBackend('webgpu');
if (process.argv[2] !== 'stock') registerWebGpuKernels();
for (const [inp, f] of [[[2,8,8,8],[3,3,8,12]], [[2,8,8,8],[3,3,8,12]], [[2,8,8,3],[3,3,3,12]], [[2,8,8,3],[3,3,3,12]], [[2,8,8,3],[3,3,3,13]],[[2,8,8,3],[3,3,3,13]]] as const) {
  const x = tf.randomNormal(inp as any); const dy = tf.randomNormal([inp[0],inp[1],inp[2],f[3]]);
  await x.data(); await dy.data();
  const t0 = performance.now();
  const g = tf.engine().runKernel('Conv2DBackpropFilter', {x, dy}, {strides:[1,1], pad:'same', dataFormat:'NHWC', filterShape: f} as any) as tf.Tensor;
  const t1 = performance.now();
  await g.data();
  console.log(inp, f, 'enqueue', (t1-t0).toFixed(1), 'total', (performance.now()-t0).toFixed(1));
}
process.exit(0);
