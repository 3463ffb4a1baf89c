import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread on a module of the engine. A TypeScript entry (development,
 * tests, benchmarks run with tsx) first registers tsx's loader in the new thread: loader
 * flags in a worker's execArgv do not install module hooks there under Node 20.
 *
 * @param entry absolute path of the worker module (`.ts`, or the bundled `.mjs`)
 * @param nativePackages packages the worker imports that are loaded before tsx's loader
 *   is registered: tsx transforms every module it loads, which for a large one (h5wasm's
 *   4 MB of JavaScript) takes many seconds; loaded first, the worker's later imports
 *   find them in the module cache.
 */
export function startWorkerModule(entry: string, nativePackages: readonly string[] = []): Worker {
  if (!entry.endsWith('.ts')) return new Worker(entry);
  // tsx's exports map sends `import 'tsx/esm/api'` here; require.resolve would pick the
  // CommonJS build, whose register() cannot load from an eval'd worker.
  const tsxRoot = path.dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const tsxApi = pathToFileURL(path.join(tsxRoot, 'dist', 'esm', 'api', 'index.mjs')).href;
  const preload = nativePackages.map((name) => `import(${JSON.stringify(import.meta.resolve(name))})`).join(', ');
  const bootstrap = `Promise.all([${preload}]).then(() => import(${JSON.stringify(tsxApi)})).then(({ register }) => { register(); return import(${JSON.stringify(pathToFileURL(entry).href)}); });`;
  return new Worker(bootstrap, { eval: true });
}

/**
 * Absolute path of the worker module `name` beside the module at `callerUrl`: the `.ts`
 * source in development, the `.mjs` bundle beside the bundled caller in a build.
 *
 * @param callerUrl `import.meta.url` of the module that starts the worker
 */
export function workerModuleBeside(callerUrl: string, name: string): string {
  const here = fileURLToPath(callerUrl);
  return path.join(path.dirname(here), `${name}${path.extname(here)}`);
}
