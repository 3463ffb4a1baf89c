#!/usr/bin/env node
// End-to-end tests: builds the renderer when its sources changed since the last build,
// then runs test/e2e/**/*.e2e.ts one file at a time (vitest.e2e.config.ts). Each test file
// starts browser mode in its own process on a free loopback port through
// test/e2e/harness.ts and drives Debian's Chromium with playwright-core.
// Extra arguments go to vitest (e.g. a file filter).
import path from 'node:path';
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const chromium = process.env.MODEL_LAB_CHROMIUM ?? '/usr/bin/chromium';

if (!existsSync(chromium)) {
  console.error(`e2e: Chromium not found at ${chromium}. Install it (apt-get install chromium) or set MODEL_LAB_CHROMIUM.`);
  process.exit(1);
}

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

const built = run(process.execPath, [path.join(root, 'scripts', 'build.mjs'), '--renderer', '--if-stale']);
if (built !== 0) process.exit(built);

const vitest = path.join(root, 'node_modules', 'vitest', 'vitest.mjs');
process.exit(run(process.execPath, [vitest, 'run', '--config', path.join(root, 'vitest.e2e.config.ts'), ...process.argv.slice(2)]));
