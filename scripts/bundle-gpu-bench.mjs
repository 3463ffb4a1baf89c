#!/usr/bin/env node
// Prepares the GPU benchmark (bench/gpu.ts) for a machine with a GPU but no Node and no
// node_modules, such as a lent GPU machine. Everything goes into two folders .gitignore keeps
// out of git, to be carried there beside the working tree (64 MiB in all):
//
//   .gpu/bench/gpu.mjs                 bench/gpu.ts bundled with the engine and tfjs by esbuild
//   .gpu/bench/gpuKernels.mjs          bench/gpuKernels.ts (per-kernel times and correctness, step anatomy), likewise
//   .gpu/node_modules/webgpu/          dawn.node's loader, with dist/linux-x64/dawn.node.xz
//   .gpu/node.xz                       this Node binary (linux x64), compressed
//   .gl/libvulkan1_*.deb               the Vulkan loader Dawn opens, for machines without one
//
// bench/gpu-device.sh unpacks them there and runs the benchmark with one command.
//
//   node scripts/bundle-gpu-bench.mjs
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, '.gpu');
const vulkan = path.join(root, '.gl');
const require = createRequire(import.meta.url);

if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.error(`bundle-gpu-bench: the GPU machine is linux x64, and so must the carried Node be. Received: ${process.platform} ${process.arch}`);
  process.exit(1);
}

rmSync(out, { recursive: true, force: true });
mkdirSync(path.join(out, 'bench'), { recursive: true });

// 1. The bench with the engine and tfjs inside; only dawn.node's loader stays outside.
const esbuild = await import('esbuild');
const result = await esbuild.build({
  entryPoints: [path.join(root, 'bench', 'gpu.ts'), path.join(root, 'bench', 'gpuKernels.ts')],
  outdir: path.join(out, 'bench'),
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['webgpu'],
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  metafile: true,
  logLevel: 'warning',
});
// A static import of a package that is not in the bundle would fail at start there.
const builtins = new Set([...builtinModules, ...builtinModules.map((name) => `node:${name}`)]);
const missing = Object.values(result.metafile.outputs).flatMap((output) => output.imports)
  .filter((entry) => entry.external && entry.kind === 'import-statement' && !builtins.has(entry.path) && entry.path !== 'webgpu');
if (missing.length > 0) {
  console.error(`bundle-gpu-bench: the bundle imports packages it does not contain: ${[...new Set(missing.map((entry) => entry.path))].join(', ')}`);
  process.exit(1);
}

// 2. dawn.node and the few lines that load it.
const webgpu = path.dirname(require.resolve('webgpu/package.json'));
const webgpuOut = path.join(out, 'node_modules', 'webgpu');
mkdirSync(path.join(webgpuOut, 'dist', 'linux-x64'), { recursive: true });
for (const file of ['package.json', 'index.js', 'LICENSE.md']) copyFileSync(path.join(webgpu, file), path.join(webgpuOut, file));
writeFileSync(path.join(webgpuOut, 'dist', 'linux-x64', 'dawn.node.xz'), execFileSync('xz', ['-T2', '-6', '-c', path.join(webgpu, 'dist', 'linux-x64', 'dawn.node')], { maxBuffer: 256 * 1024 * 1024 }));

// 3. Node itself.
writeFileSync(path.join(out, 'node.xz'), execFileSync('xz', ['-T2', '-6', '-c', process.execPath], { maxBuffer: 256 * 1024 * 1024 }));

// 4. The Vulkan loader (the recipe of the lent machines' notes), downloaded once.
if (!existsSync(vulkan) || !readdirSync(vulkan).some((file) => file.startsWith('libvulkan1_'))) {
  mkdirSync(vulkan, { recursive: true });
  const lists = '/tmp/amd64';
  mkdirSync(path.join(lists, 'partial'), { recursive: true });
  const options = ['-oAPT::Architecture=amd64', '-oAPT::Architectures=amd64', `-oDir::State::Lists=${lists}`];
  try {
    execFileSync('apt-get', [...options, 'update'], { stdio: 'inherit' });
    execFileSync('apt-get', [...options, 'download', 'libvulkan1'], { cwd: vulkan, stdio: 'inherit' });
  } catch (error) {
    console.error(`bundle-gpu-bench: could not download the Vulkan loader into .gl (${error.message}); the GPU machine must then have libvulkan.so.1 itself.`);
  }
}

/** Total size of a folder, for the 64 MiB carry limit. */
function size(dir) {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir).reduce((sum, entry) => {
    const file = path.join(dir, entry);
    const stat = statSync(file);
    return sum + (stat.isDirectory() ? size(file) : stat.size);
  }, 0);
}
const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
console.log(`bundle-gpu-bench: .gpu ${mib(size(out))}, .gl ${mib(size(vulkan))}. Carry both; run: bash bench/gpu-device.sh`);
