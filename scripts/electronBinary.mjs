// Electron's binary for `npm start`: a download outside the npm registry (its install script
// is off in package.json `allowScripts`), so it is fetched on the first start that can reach
// it. Until then every start says it is missing and tries again; where it cannot be
// fetched, start.mjs falls back to browser mode and says why.
import path from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const INSTALL_TIMEOUT_MS = 5 * 60_000;

/** What `installElectron` prints before it tries: true on every start until the binary is there. */
export const FETCHING_MESSAGE = "Electron's binary is not downloaded yet: fetching it…";

/** The Electron binary's path inside `electronDir` (node_modules/electron), or undefined when it has not been downloaded. */
export function electronBinary(electronDir) {
  const pathFile = path.join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const binary = path.join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : undefined;
}

/**
 * Downloads Electron's binary with the package's own install script; returns why it
 * failed, or undefined on success. `log` receives the line said before trying.
 */
export function installElectron(electronDir, log = console.log) {
  if (!existsSync(path.join(electronDir, 'install.js'))) return 'the electron package is not installed (run npm install)';
  log(FETCHING_MESSAGE);
  const result = spawnSync(process.execPath, [path.join(electronDir, 'install.js')], { cwd: electronDir, stdio: ['ignore', 'inherit', 'pipe'], timeout: INSTALL_TIMEOUT_MS, encoding: 'utf8' });
  if (result.status === 0 && electronBinary(electronDir)) return undefined;
  // The download error's first line names the cause (e.g. "getaddrinfo ENOTFOUND github.com"); the rest is a stack.
  const lines = (result.stderr ?? '').split('\n').map((line) => line.trim()).filter(Boolean);
  const detail = lines.find((line) => /error|ENOTFOUND|EAI_AGAIN|ECONN|ETIMEDOUT/i.test(line) && !line.startsWith('at ')) ?? lines[0];
  return `downloading it failed${detail ? ` (${detail})` : result.error ? ` (${result.error.message})` : ''}`;
}
