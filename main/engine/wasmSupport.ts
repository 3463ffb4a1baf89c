import { createRequire } from 'node:module';
import path from 'node:path';
import { existsSync } from 'node:fs';

/** The npm package of the WebAssembly backend. */
export const WASM_PACKAGE = '@tensorflow/tfjs-backend-wasm';

const WASM_BINARIES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm'];

// A tiny module using a SIMD instruction (from GoogleChromeLabs/wasm-feature-detect, as
// tfjs-backend-wasm's own WASM_HAS_SIMD_SUPPORT flag uses it).
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 10, 9, 1, 7, 0, 65, 0, 253, 15, 26, 11]);

/**
 * The folder holding the backend's .wasm files (with a trailing separator, as
 * `setWasmPaths` wants), or `undefined` when the package or its binaries are missing.
 * The files are read from node_modules: nothing is fetched.
 */
export function wasmBinaryFolder(): string | undefined {
  try {
    const entry = createRequire(import.meta.url).resolve(WASM_PACKAGE);
    const folder = path.dirname(entry);
    return WASM_BINARIES.every((file) => existsSync(path.join(folder, file))) ? folder + path.sep : undefined;
  } catch {
    return undefined;
  }
}

/** True when this runtime's WebAssembly supports SIMD (XNNPACK then runs its vector kernels). */
export function wasmSimdSupported(): boolean {
  // Node's type definitions here leave out the WebAssembly global, so it is typed locally.
  const webAssembly = (globalThis as { WebAssembly?: { validate(bytes: Uint8Array): boolean } }).WebAssembly;
  try {
    return webAssembly?.validate(SIMD_PROBE) ?? false;
  } catch {
    return false;
  }
}

/** "CPU (WebAssembly SIMD, 1 thread)": the device line for the wasm backend. */
export function wasmDeviceName(simd: boolean, threads: number): string {
  return `CPU (WebAssembly${simd ? ' SIMD' : ''}, ${threads} thread${threads === 1 ? '' : 's'})`;
}
