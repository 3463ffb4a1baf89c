#!/usr/bin/env node
// Builds Model Lab into dist/: the renderer with Vite (dist/renderer), and with esbuild the
// Electron main process (dist/electron/main.mjs), the sandboxed preload
// (dist/electron/preload.cjs) and the training process entry (dist/electron/trainingEntry.mjs,
// beside main.mjs, where main/training/trainingEntryPath.ts looks for it).
//
//   node scripts/build.mjs              everything
//   node scripts/build.mjs --renderer   only the renderer
//   node scripts/build.mjs --electron   only main, preload and training entry
//   --if-stale                          skip a part whose output is newer than its sources
import path from 'node:path';
import { existsSync, statSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const onlyRenderer = args.has('--renderer');
const onlyElectron = args.has('--electron');
const ifStale = args.has('--if-stale');

/** Newest modification time (ms) of the files under `paths` (folders walked, node_modules skipped). */
function newestMtime(paths) {
  let newest = 0;
  const visit = (entry) => {
    if (!existsSync(entry)) return;
    const stat = statSync(entry);
    if (stat.isDirectory()) {
      for (const child of readdirSync(entry)) if (child !== 'node_modules' && !child.startsWith('.')) visit(path.join(entry, child));
    } else newest = Math.max(newest, stat.mtimeMs);
  };
  for (const entry of paths) visit(path.join(root, entry));
  return newest;
}

/** True when `output` is missing or older than any of `sources`. */
function isStale(output, sources) {
  const file = path.join(root, output);
  return !existsSync(file) || statSync(file).mtimeMs < newestMtime(sources);
}

const RENDERER_SOURCES = ['renderer', 'common', 'vite.config.ts', 'package.json'];
const ELECTRON_SOURCES = ['electron', 'main', 'common', 'package.json', 'scripts/build.mjs'];

async function buildRenderer() {
  if (ifStale && !isStale('dist/renderer/index.html', RENDERER_SOURCES)) {
    console.log('renderer: up to date');
    return;
  }
  const { build } = await import('vite');
  await build({ configFile: path.join(root, 'vite.config.ts'), logLevel: 'warn' });
  console.log('renderer: built dist/renderer');
}

async function buildElectron() {
  if (ifStale && !isStale('dist/electron/main.mjs', ELECTRON_SOURCES)) {
    console.log('electron: up to date');
    return;
  }
  const esbuild = await import('esbuild');
  // ESM bundles may still hold a CommonJS `require` (optional native backends); give them one.
  const requireShim = "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";
  const nodeEsm = {
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: true,
    // Packages load from node_modules at run time: native addons (sharp, onnxruntime-node,
    // tfjs-node, webgpu's dawn.node) cannot be bundled, and electron-builder unpacks them from the asar.
    packages: 'external',
    banner: { js: requireShim },
    logLevel: 'warning',
  };
  await esbuild.build({ ...nodeEsm, entryPoints: [path.join(root, 'electron/main.ts')], outfile: path.join(root, 'dist/electron/main.mjs'), external: ['electron'] });
  // A sandboxed preload may only require('electron'): everything else (zod, the method table) is bundled in.
  await esbuild.build({
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'chrome130',
    sourcemap: true,
    external: ['electron'],
    entryPoints: [path.join(root, 'electron/preload.ts')],
    outfile: path.join(root, 'dist/electron/preload.cjs'),
    logLevel: 'warning',
  });
  const trainingEntry = path.join(root, 'main/training/trainingEntry.ts');
  if (existsSync(trainingEntry)) {
    await esbuild.build({ ...nodeEsm, entryPoints: [trainingEntry], outfile: path.join(root, 'dist/electron/trainingEntry.mjs') });
  }
  // Folder imports decode on worker threads running this module (main/data/decodePool.ts).
  const decodeWorker = path.join(root, 'main/data/decodeWorker.ts');
  if (existsSync(decodeWorker)) {
    await esbuild.build({ ...nodeEsm, entryPoints: [decodeWorker], outfile: path.join(root, 'dist/electron/decodeWorker.mjs') });
  }
  // Keras .h5 and .keras files are read by HDF5 on a worker thread running this module (main/formats/keras/hdf5Isolation.ts).
  const hdf5Worker = path.join(root, 'main/formats/keras/hdf5Worker.ts');
  if (existsSync(hdf5Worker)) {
    await esbuild.build({ ...nodeEsm, entryPoints: [hdf5Worker], outfile: path.join(root, 'dist/electron/hdf5Worker.mjs') });
  }
  console.log('electron: built dist/electron (main, preload, training entry)');
}

try {
  if (!onlyElectron) await buildRenderer();
  if (!onlyRenderer) await buildElectron();
} catch (error) {
  // esbuild and Vite have already printed the located errors; end with one line and a failing status.
  console.error(`build failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  process.exitCode = 1;
}
