#!/usr/bin/env node
// `npm start`: builds what changed, then opens the desktop app. Electron's binary is a
// download outside the npm registry (its install script is off in package.json
// `allowScripts`), so it is fetched here on first use; where that cannot happen (offline,
// no display) the lab starts in browser mode instead and says why.
import path from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const electronDir = path.join(root, 'node_modules', 'electron');
const INSTALL_TIMEOUT_MS = 5 * 60_000;

/** The Electron binary's path, or undefined when it has not been downloaded. */
function electronBinary() {
  const pathFile = path.join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const binary = path.join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : undefined;
}

/** Downloads Electron's binary; returns why it failed, or undefined on success. */
function installElectron() {
  if (!existsSync(path.join(electronDir, 'install.js'))) return 'the electron package is not installed (run npm install)';
  console.log('Fetching the Electron binary (first start only)…');
  const result = spawnSync(process.execPath, [path.join(electronDir, 'install.js')], { cwd: electronDir, stdio: ['ignore', 'inherit', 'pipe'], timeout: INSTALL_TIMEOUT_MS, encoding: 'utf8' });
  if (result.status === 0 && electronBinary()) return undefined;
  // The download error's first line names the cause (e.g. "getaddrinfo ENOTFOUND github.com"); the rest is a stack.
  const lines = (result.stderr ?? '').split('\n').map((line) => line.trim()).filter(Boolean);
  const detail = lines.find((line) => /error|ENOTFOUND|EAI_AGAIN|ECONN|ETIMEDOUT/i.test(line) && !line.startsWith('at ')) ?? lines[0];
  return `downloading it failed${detail ? ` (${detail})` : result.error ? ` (${result.error.message})` : ''}`;
}

/** Why Electron cannot open a window here, or undefined when it can. */
function whyNoDisplay() {
  if (process.platform !== 'linux') return undefined;
  if (process.env.DISPLAY || process.env.WAYLAND_DISPLAY) return undefined;
  return 'there is no graphical display (DISPLAY and WAYLAND_DISPLAY are unset)';
}

function runToEnd(command, args) {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
  const forward = (signal) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? (signal ? 1 : 0);
  });
}

function startBrowserMode(reason) {
  console.log(`\nElectron is not available: ${reason}.\nStarting browser mode instead: open the URL below in your browser.\n`);
  runToEnd(process.execPath, [path.join(root, 'bin', 'model-lab.mjs'), 'serve', '--open']);
}

const build = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs'), '--if-stale'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) {
  console.error('The build failed; fix the errors above and run npm start again.');
  process.exit(build.status ?? 1);
}

let binary = electronBinary();
let reason;
if (!binary) {
  reason = installElectron();
  binary = electronBinary();
}
if (binary && !reason) reason = whyNoDisplay();

if (binary && !reason) {
  // Chromium's sandbox refuses to run as root; a root session (containers) needs --no-sandbox for the browser process.
  const args = ['.', ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), ...process.argv.slice(2)];
  runToEnd(binary, args);
} else {
  startBrowserMode(reason ?? 'the Electron binary is missing');
}
