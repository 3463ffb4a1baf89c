#!/usr/bin/env node
// Runs a benchmark: `npm run bench -- <name> [args...]` executes bench/<name>.ts with tsx.
// Without a name it lists the benchmarks. Each benchmark compares against a peer in the
// same run and prints both figures.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = path.join(root, 'bench');
const available = existsSync(benchDir)
  ? readdirSync(benchDir).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')).map((f) => f.slice(0, -3)).sort()
  : [];
const [name, ...rest] = process.argv.slice(2);
if (!name || name === '--help' || name === '-h') {
  process.stdout.write(`Usage: npm run bench -- <name> [args...]\n\nBenchmarks: ${available.join(', ') || '(none)'}\n`);
  process.exit(name ? 0 : 1);
}
if (!available.includes(name)) {
  process.stderr.write(`error: no benchmark "${name}" (bench/${name}.ts). Available: ${available.join(', ') || '(none)'}\n`);
  process.exit(2);
}
const tsx = path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const result = spawnSync(process.execPath, [tsx, path.join(benchDir, `${name}.ts`), ...rest], { stdio: 'inherit', cwd: root });
process.exit(result.status ?? 1);
