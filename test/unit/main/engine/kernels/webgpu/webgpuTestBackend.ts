import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { registerWebGpuBackend, requestWebGpuAdapter, WEBGPU_TFJS_BACKEND } from '../../../../../../main/engine/webgpuSupport';

let started: Promise<void> | undefined;

/**
 * Registers tfjs's webgpu backend on Dawn's adapter (lavapipe on machines without a GPU,
 * CI included) once per test file, and makes it the active backend. The Vulkan loader
 * warns on every call without a writable XDG_RUNTIME_DIR, so one is made if missing.
 *
 * @throws Error naming Dawn's evidence when there is no adapter at all.
 */
export async function startWebGpuBackend(): Promise<void> {
  started ??= (async () => {
    if (process.env.XDG_RUNTIME_DIR === undefined) {
      const runtimeDir = path.join(os.tmpdir(), `xdg-${process.getuid?.() ?? 'user'}`);
      fs.mkdirSync(runtimeDir, { recursive: true, mode: 0o700 });
      process.env.XDG_RUNTIME_DIR = runtimeDir;
    }
    const { adapter, probe } = await requestWebGpuAdapter();
    if (adapter === undefined) throw new Error(`WebGPU tests need an adapter (Mesa's lavapipe is enough): ${probe.evidence}`);
    await registerWebGpuBackend(tf, adapter);
  })();
  await started;
  await tf.setBackend(WEBGPU_TFJS_BACKEND);
}
