import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cudaLibraryFolders, foldersFromLdconfig, probeCudaLibraries, type CudaProbe } from '../../../../main/engine/cudaProbe';
import { describeNativeGpu } from '../../../../main/engine/backend';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await fs.rm(dir, { recursive: true, force: true });
});

/** A temporary folder holding empty files with the given library names. */
async function libraryFolder(...names: string[]): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cuda-libs-'));
  dirs.push(dir);
  for (const name of names) await fs.writeFile(path.join(dir, name), '');
  return dir;
}

const CUDA_11 = ['libcuda.so.1', 'libcudart.so.11.0', 'libcudnn.so.8'];

describe('probeCudaLibraries', () => {
  it('finds the driver, CUDA 11 runtime and cuDNN 8 across folders, first folder first', async () => {
    const driver = await libraryFolder('libcuda.so.1', 'libcuda.so.535.104.05');
    const toolkit = await libraryFolder('libcudart.so.11.0', 'libcudnn.so.8', 'libcudnn.so.8.1.1');
    const shadowed = await libraryFolder('libcudart.so.11.0');
    const probe = probeCudaLibraries([driver, toolkit, shadowed], 'linux');
    expect(probe.complete).toBe(true);
    expect(probe.libraries.map((library) => library.path)).toEqual([path.join(driver, 'libcuda.so.1'), path.join(toolkit, 'libcudart.so.11.0'), path.join(toolkit, 'libcudnn.so.8')]);
    expect(probe.evidence).toContain(path.join(toolkit, 'libcudnn.so.8'));
  });

  it('names a CUDA runtime or cuDNN of the wrong version instead of calling it missing', async () => {
    const folder = await libraryFolder('libcuda.so.1', 'libcudart.so.12', 'libcudart.so.12.4.127', 'libcudnn.so.9');
    const probe = probeCudaLibraries([folder], 'linux');
    expect(probe.complete).toBe(false);
    expect(probe.evidence).toContain(`libcudart.so.11.0 (CUDA 11 runtime) is the wrong version: found only libcudart.so.12 in ${folder}, libcudart.so.12.4.127 in ${folder}`);
    expect(probe.evidence).toContain(`libcudnn.so.8 (cuDNN 8) is the wrong version: found only libcudnn.so.9 in ${folder}`);
    expect(probe.evidence).not.toContain('libcuda.so.1');
    expect(probe.evidence).toMatch(/needs CUDA 11\.2 .* and cuDNN 8\.1/);
  });

  it('says which library is missing: the driver, the runtime or cuDNN', async () => {
    const toolkitOnly = await libraryFolder('libcudart.so.11.0', 'libcudnn.so.8');
    expect(probeCudaLibraries([toolkitOnly], 'linux').evidence).toMatch(/^libcuda\.so\.1 \(NVIDIA driver\) is missing\./);
    const noCudnn = await libraryFolder('libcuda.so.1', 'libcudart.so.11.0');
    expect(probeCudaLibraries([noCudnn], 'linux').evidence).toMatch(/^libcudnn\.so\.8 \(cuDNN 8\) is missing\./);
    const empty = await libraryFolder();
    const none = probeCudaLibraries([empty, path.join(empty, 'absent')], 'linux');
    expect(none.libraries.filter((library) => library.path === undefined).map((library) => library.name)).toEqual(CUDA_11);
  });

  it('uses the Windows file names (case-insensitive) on win32', async () => {
    const folder = await libraryFolder('NVCUDA.DLL', 'cudart64_110.dll', 'cudnn64_8.dll');
    expect(probeCudaLibraries([folder], 'win32').complete).toBe(true);
    const wrong = await libraryFolder('nvcuda.dll', 'cudart64_12.dll', 'cudnn64_8.dll');
    expect(probeCudaLibraries([wrong], 'win32').evidence).toContain('cudart64_110.dll (CUDA 11 runtime) is the wrong version: found only cudart64_12.dll');
  });
});

describe('cudaLibraryFolders', () => {
  it('searches LD_LIBRARY_PATH, then the ldconfig cache, then the usual folders, without duplicates', () => {
    const ldconfig = [
      '812 libs found in cache `/etc/ld.so.cache\'',
      '\tlibcudnn.so.8 (libc6,x86-64) => /opt/cudnn/lib/libcudnn.so.8',
      '\tlibcuda.so.1 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libcuda.so.1',
    ].join('\n');
    expect(foldersFromLdconfig(ldconfig)).toEqual(['/opt/cudnn/lib', '/usr/lib/x86_64-linux-gnu']);
    const folders = cudaLibraryFolders({ env: { LD_LIBRARY_PATH: '/opt/cuda-11.2/lib64::/opt/cudnn/lib' }, ldconfigOutput: ldconfig, platform: 'linux' });
    expect(folders.slice(0, 3)).toEqual(['/opt/cuda-11.2/lib64', '/opt/cudnn/lib', '/usr/lib/x86_64-linux-gnu']);
    expect(folders).toContain('/usr/local/cuda/lib64');
    expect(new Set(folders).size).toBe(folders.length);
  });

  it('searches CUDA_PATH, PATH and System32 on Windows', () => {
    const folders = cudaLibraryFolders({ env: { CUDA_PATH: 'C:\\CUDA\\v11.2', PATH: 'C:\\tools;C:\\cudnn\\bin', SystemRoot: 'C:\\Windows' }, platform: 'win32' });
    expect(folders).toEqual(['C:\\CUDA\\v11.2\\bin', 'C:\\tools', 'C:\\cudnn\\bin', 'C:\\Windows\\System32']);
  });
});

describe('the tensorflow-gpu candidate', () => {
  const gpu = (libraries: CudaProbe['libraries']): CudaProbe => ({ gpus: ['NVIDIA H100 80GB HBM3'], evidence: 'nvidia-smi lists NVIDIA H100 80GB HBM3', libraries });
  const installed = { folder: '/app/node_modules/@tensorflow/tfjs-node-gpu', hasBinding: true };

  it('is refused, naming the library, when tfjs-node-gpu is installed but cuDNN is the wrong version', async () => {
    const folder = await libraryFolder('libcuda.so.1', 'libcudart.so.11.0', 'libcudnn.so.9');
    const probe = describeNativeGpu(gpu(probeCudaLibraries([folder], 'linux')), installed, 'linux');
    expect(probe.candidate.available).toBe(false);
    expect(probe.candidate.reason).toMatch(/^installed, but it would train on the CPU: libcudnn\.so\.8 \(cuDNN 8\) is the wrong version: found only libcudnn\.so\.9/);
    expect(probe.device).toBe('NVIDIA H100 80GB HBM3 (CUDA)');
  });

  it('is available with every library and a visible GPU', async () => {
    const folder = await libraryFolder(...CUDA_11);
    const probe = describeNativeGpu(gpu(probeCudaLibraries([folder], 'linux')), installed, 'linux');
    expect(probe.candidate.available).toBe(true);
    expect(probe.candidate.reason).toContain(path.join(folder, 'libcudnn.so.8'));
  });

  it('is refused without a GPU, without its package or binding, and on macOS', async () => {
    const complete = probeCudaLibraries([await libraryFolder(...CUDA_11)], 'linux');
    expect(describeNativeGpu({ gpus: [], evidence: 'no CUDA GPU visible', libraries: complete }, installed, 'linux').candidate.reason).toBe('no CUDA GPU visible');
    expect(describeNativeGpu(gpu(complete), { folder: undefined, hasBinding: false }, 'linux').candidate.reason).toMatch(/^not installed/);
    expect(describeNativeGpu(gpu(complete), { ...installed, hasBinding: false }, 'linux').candidate.reason).toMatch(/^installed without its native binding/);
    expect(describeNativeGpu(gpu(complete), installed, 'darwin').candidate.reason).toMatch(/no macOS build/);
  });
});
