#!/usr/bin/env node
// `npm start`: builds what changed, then opens the desktop app. Electron's binary is a
// download outside the npm registry (its install script is off in package.json
// `allowScripts`), so it is fetched here while it is missing; where that cannot happen
// (offline, no display) the lab starts in browser mode instead and says why.
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { electronBinary, installElectron } from './electronBinary.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const electronDir = path.join(root, 'node_modules', 'electron');

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

let binary = electronBinary(electronDir);
let reason;
if (!binary) {
  reason = installElectron(electronDir);
  binary = electronBinary(electronDir);
}
if (binary && !reason) reason = whyNoDisplay();

if (binary && !reason) {
  // Chromium's sandbox refuses to run as root; a root session (containers) needs --no-sandbox for the browser process.
  const args = ['.', ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), ...process.argv.slice(2)];
  runToEnd(binary, args);
} else {
  startBrowserMode(reason ?? 'the Electron binary is missing');
}
