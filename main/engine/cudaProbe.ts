import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** One library tfjs-node-gpu needs, and what was found of it. */
export interface CudaLibraryStatus {
  /** The exact file the loader looks for, e.g. `libcudnn.so.8`. */
  name: string;
  /** What it is, for messages: "cuDNN 8". */
  role: string;
  /** Where it was found; undefined when missing. */
  path: string | undefined;
  /** Other versions of the same library that were found (`libcudnn.so.9` …): present, but not the one it links against. */
  otherVersions: string[];
}

/** What the machine has of the libraries tfjs-node-gpu loads. */
export interface CudaLibraryProbe {
  /** True when the driver, the CUDA runtime and cuDNN tfjs-node-gpu links against are all found. */
  complete: boolean;
  libraries: CudaLibraryStatus[];
  /** One line: what is there, or which library is missing or the wrong version. */
  evidence: string;
}

/** What the machine says about CUDA GPUs, found without loading any CUDA library. */
export interface CudaProbe {
  /** GPU names, e.g. `NVIDIA H100 80GB HBM3`; empty when none is visible. */
  gpus: string[];
  /** How the GPUs were found (or why none were): shown in `model-lab info`. */
  evidence: string;
  /** The CUDA libraries tfjs-node-gpu would load. */
  libraries: CudaLibraryProbe;
}

interface CudaLibrarySpec {
  role: string;
  /** File name per platform. */
  linux: string;
  win32: string;
  /** Matches any version of the library, so that a wrong version can be named. */
  family: { linux: RegExp; win32: RegExp };
}

/**
 * The libraries @tensorflow/tfjs-node-gpu 4.22 links against: its libtensorflow 2.9 is built
 * for CUDA 11.2 and cuDNN 8.1. Without them it still loads and silently computes on the CPU.
 */
const CUDA_LIBRARIES: readonly CudaLibrarySpec[] = [
  { role: 'NVIDIA driver', linux: 'libcuda.so.1', win32: 'nvcuda.dll', family: { linux: /^libcuda\.so(\.\d+)*$/, win32: /^nvcuda\.dll$/i } },
  { role: 'CUDA 11 runtime', linux: 'libcudart.so.11.0', win32: 'cudart64_110.dll', family: { linux: /^libcudart\.so\.\d+(\.\d+)*$/, win32: /^cudart64_\d+\.dll$/i } },
  { role: 'cuDNN 8', linux: 'libcudnn.so.8', win32: 'cudnn64_8.dll', family: { linux: /^libcudnn\.so\.\d+(\.\d+)*$/, win32: /^cudnn64_\d+\.dll$/i } },
];

/** What tfjs-node-gpu needs, said once in every message about a missing library. */
export const CUDA_REQUIREMENT = 'tfjs-node-gpu 4.22 needs CUDA 11.2 (libcudart.so.11.0) and cuDNN 8.1 (libcudnn.so.8) with an NVIDIA driver';

/** Folders the dynamic loader searches by default, beside LD_LIBRARY_PATH and the ldconfig cache. */
const USUAL_LINUX_FOLDERS = [
  '/usr/local/cuda/lib64',
  '/usr/local/cuda/targets/x86_64-linux/lib',
  '/usr/local/cuda/targets/sbsa-linux/lib',
  '/usr/local/cuda-11.2/lib64',
  '/usr/lib/x86_64-linux-gnu',
  '/usr/lib/aarch64-linux-gnu',
  '/usr/lib64',
  '/usr/lib',
  '/lib/x86_64-linux-gnu',
  '/usr/lib/wsl/lib',
];

/** The folders named by `ldconfig -p` output ("\tlibfoo.so.1 (libc6,x86-64) => /usr/lib/libfoo.so.1"). */
export function foldersFromLdconfig(output: string): string[] {
  const folders = new Set<string>();
  for (const line of output.split('\n')) {
    const target = /=>\s*(\S.*)$/.exec(line)?.[1]?.trim();
    if (target) folders.add(path.dirname(target));
  }
  return [...folders];
}

/**
 * Where the dynamic loader would look for the CUDA libraries: `LD_LIBRARY_PATH` (PATH and
 * CUDA_PATH on Windows), the folders of the ldconfig cache, then the usual install folders.
 * Duplicates are dropped, order is kept.
 */
export function cudaLibraryFolders(options: { env?: NodeJS.ProcessEnv; ldconfigOutput?: string; platform?: NodeJS.Platform } = {}): string[] {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const folders: string[] = [];
  if (platform === 'win32') {
    const cudaPath = env['CUDA_PATH'];
    if (cudaPath) folders.push(path.win32.join(cudaPath, 'bin'));
    folders.push(...(env['PATH'] ?? env['Path'] ?? '').split(';'));
    const systemRoot = env['SystemRoot'] ?? 'C:\\Windows';
    folders.push(path.win32.join(systemRoot, 'System32'));
  } else {
    folders.push(...(env['LD_LIBRARY_PATH'] ?? '').split(':'));
    folders.push(...foldersFromLdconfig(options.ldconfigOutput ?? ''));
    folders.push(...USUAL_LINUX_FOLDERS);
  }
  return [...new Set(folders.map((folder) => folder.trim()).filter((folder) => folder.length > 0))];
}

function listFolder(folder: string): string[] {
  try {
    return readdirSync(folder);
  } catch {
    return [];
  }
}

/**
 * Looks for the libraries tfjs-node-gpu loads in `folders` (in order, as the loader does).
 * For a missing library it also names the other versions that are there, so the message
 * can say "the wrong version" rather than "missing".
 *
 * @param folders the search folders, e.g. from `cudaLibraryFolders()`.
 */
export function probeCudaLibraries(folders: readonly string[], platform: NodeJS.Platform = process.platform): CudaLibraryProbe {
  const key = platform === 'win32' ? 'win32' : 'linux';
  const listings = folders.map((folder) => ({ folder, entries: listFolder(folder) }));
  const libraries: CudaLibraryStatus[] = CUDA_LIBRARIES.map((spec) => {
    const name = spec[key];
    const matches = (entry: string): boolean => (key === 'win32' ? entry.toLowerCase() === name.toLowerCase() : entry === name);
    const home = listings.find(({ entries }) => entries.some(matches));
    const others = new Set<string>();
    if (home === undefined) {
      for (const { folder, entries } of listings) {
        for (const entry of entries) if (spec.family[key].test(entry)) others.add(`${entry} in ${folder}`);
      }
    }
    return { name, role: spec.role, path: home === undefined ? undefined : path.join(home.folder, name), otherVersions: [...others] };
  });
  const missing = libraries.filter((library) => library.path === undefined);
  if (missing.length === 0) {
    return { complete: true, libraries, evidence: `found ${libraries.map((library) => library.path).join(', ')}` };
  }
  const problems = missing.map((library) => (library.otherVersions.length > 0
    ? `${library.name} (${library.role}) is the wrong version: found only ${library.otherVersions.join(', ')}`
    : `${library.name} (${library.role}) is missing`));
  return { complete: false, libraries, evidence: `${problems.join('; ')}. ${CUDA_REQUIREMENT}` };
}

const NVIDIA_PROC_DIR = '/proc/driver/nvidia/gpus';

/** Runs a program for its standard output; resolves to `undefined` when it is absent or fails. */
function run(program: string, args: string[], timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    try {
      execFile(program, args, { timeout: timeoutMs, windowsHide: true, maxBuffer: 16 * 1024 * 1024 }, (error, stdout) => resolve(error ? undefined : stdout));
    } catch {
      resolve(undefined);
    }
  });
}

/** Runs nvidia-smi for the GPU names; resolves to `undefined` when it is absent or fails. */
async function queryNvidiaSmi(timeoutMs: number): Promise<string[] | undefined> {
  const stdout = await run('nvidia-smi', ['--query-gpu=name', '--format=csv,noheader'], timeoutMs);
  return stdout?.split('\n').map((line) => line.trim()).filter((line) => line.length > 0);
}

/** `ldconfig -p`: the loader's cache of library locations (Linux); empty where there is none. */
async function readLdconfigCache(timeoutMs: number): Promise<string> {
  if (process.platform !== 'linux') return '';
  return (await run('ldconfig', ['-p'], timeoutMs)) ?? (await run('/sbin/ldconfig', ['-p'], timeoutMs)) ?? '';
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

/** Options of `probeCuda`. */
export interface CudaProbeOptions {
  timeoutMs?: number;
  /** Folders to search for the CUDA libraries; by default `cudaLibraryFolders()` with the ldconfig cache. */
  libraryFolders?: readonly string[];
}

/**
 * Looks for CUDA GPUs the cheap way (nvidia-smi, then the driver's /proc entries) and for
 * the libraries tfjs-node-gpu would load. Never loads CUDA, so it is safe to call from
 * `model-lab info` on any machine.
 */
export async function probeCuda(options: CudaProbeOptions = {}): Promise<CudaProbe> {
  const timeoutMs = options.timeoutMs ?? 3000;
  const [fromSmi, folders] = await Promise.all([
    queryNvidiaSmi(timeoutMs),
    options.libraryFolders ?? readLdconfigCache(timeoutMs).then((ldconfigOutput) => cudaLibraryFolders({ ldconfigOutput })),
  ]);
  const libraries = probeCudaLibraries(folders);
  if (fromSmi !== undefined && fromSmi.length > 0) {
    return { gpus: fromSmi, evidence: `nvidia-smi lists ${fromSmi.join(', ')}`, libraries };
  }
  const fromProc = readProcGpus();
  if (fromProc.length > 0) {
    return { gpus: fromProc, evidence: `the NVIDIA driver lists ${fromProc.join(', ')}`, libraries };
  }
  const smiNote = fromSmi === undefined ? 'nvidia-smi not found' : 'nvidia-smi lists no GPU';
  return { gpus: [], evidence: `no CUDA GPU visible (${smiNote}, no NVIDIA driver entries)`, libraries };
}
