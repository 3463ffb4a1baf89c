import type * as tfjs from '@tensorflow/tfjs';
import { LabError, received } from '../../../common/errors';

/**
 * Runs an ONNX file with onnxruntime-node (its bundled CPU build) on NHWC float inputs,
 * given by input name, and returns the first output.
 *
 * @throws LabError `IO_BAD_FORMAT` when onnxruntime refuses the file.
 */
export async function runOnnxModel(filePath: string, inputs: readonly { name: string; tensor: tfjs.Tensor }[]): Promise<Float32Array> {
  const ort = await import('onnxruntime-node');
  let session: Awaited<ReturnType<typeof ort.InferenceSession.create>>;
  try {
    session = await ort.InferenceSession.create(filePath, { graphOptimizationLevel: 'disabled' });
  } catch (error) {
    throw new LabError('IO_BAD_FORMAT', `Expected onnxruntime to load the ONNX file (${error instanceof Error ? error.message : String(error)}). ${received('path', filePath)}`, { path: filePath });
  }
  try {
    const outputName = session.outputNames[0] as string;
    // The ONNX inputs keep the Keras input names, so tensors are fed by name.
    const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {};
    for (const { name, tensor } of inputs) feeds[name] = new ort.Tensor('float32', Float32Array.from((await tensor.data()) as Float32Array), [...tensor.shape]);
    const results = await session.run(feeds);
    const output = results[outputName];
    if (output === undefined) throw new LabError('IO_BAD_FORMAT', `Expected output ${outputName} from onnxruntime. ${received('outputs', Object.keys(results))}`, { path: filePath });
    return Float32Array.from(output.data as Float32Array);
  } finally {
    await session.release();
  }
}
