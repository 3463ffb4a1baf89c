import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** What the machine says about CUDA GPUs, found without loading any CUDA library. */
export interface CudaProbe {
  /** GPU names, e.g. `NVIDIA H100 80GB HBM3`; empty when none is visible. */
  gpus: string[];
  /** How the GPUs were found (or why none were): shown in `model-lab info`. */
  evidence: string;
}

const NVIDIA_PROC_DIR = '/proc/driver/nvidia/gpus';
const LIBCUDA_PATHS = [
  '/usr/lib/x86_64-linux-gnu/libcuda.so.1',
  '/usr/lib/aarch64-linux-gnu/libcuda.so.1',
  '/usr/lib64/libcuda.so.1',
  '/usr/lib/wsl/lib/libcuda.so.1',
  '/usr/local/cuda/lib64/stubs/libcuda.so',
];

/** Runs nvidia-smi for the GPU names; resolves to `undefined` when it is absent or fails. */
function queryNvidiaSmi(timeoutMs: number): Promise<string[] | undefined> {
  return new Promise((resolve) => {
    try {
      execFile('nvidia-smi', ['--query-gpu=name', '--format=csv,noheader'], { timeout: timeoutMs, windowsHide: true }, (error, stdout) => {
        if (error) {
          resolve(undefined);
          return;
        }
        resolve(stdout.split('\n').map((line) => line.trim()).filter((line) => line.length > 0));
      });
    } catch {
      resolve(undefined);
    }
  });
}

/** Reads GPU models from the NVIDIA kernel driver's /proc entries (Linux). */
function readProcGpus(): string[] {
  if (!existsSync(NVIDIA_PROC_DIR)) return [];
  const names: string[] = [];
  for (const entry of readdirSync(NVIDIA_PROC_DIR)) {
    try {
      const info = readFileSync(path.join(NVIDIA_PROC_DIR, entry, 'information'), 'utf8');
      const model = /^Model:\s*(.+)$/m.exec(info)?.[1]?.trim();
      names.push(model ?? `NVIDIA GPU ${entry}`);
    } catch {
      names.push(`NVIDIA GPU ${entry}`);
    }
  }
  return names;
}

/**
 * Looks for CUDA GPUs the cheap way: nvidia-smi, then the driver's /proc entries, and
 * notes whether the CUDA driver library is present. Never loads CUDA, so it is safe to
 * call from `model-lab info` on any machine.
 */
export async function probeCuda(timeoutMs = 3000): Promise<CudaProbe> {
  const fromSmi = await queryNvidiaSmi(timeoutMs);
  const libcuda = LIBCUDA_PATHS.find((candidate) => existsSync(candidate));
  if (fromSmi !== undefined && fromSmi.length > 0) {
    return { gpus: fromSmi, evidence: `nvidia-smi lists ${fromSmi.join(', ')}` };
  }
  const fromProc = readProcGpus();
  if (fromProc.length > 0) {
    return { gpus: fromProc, evidence: `the NVIDIA driver lists ${fromProc.join(', ')}${libcuda ? '' : ' (libcuda not found)'}` };
  }
  const smiNote = fromSmi === undefined ? 'nvidia-smi not found' : 'nvidia-smi lists no GPU';
  return { gpus: [], evidence: `no CUDA GPU visible (${smiNote}, no NVIDIA driver entries${libcuda ? '' : ', no libcuda'})` };
}
