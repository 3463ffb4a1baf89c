import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = path.resolve(__dirname, '..', '..', '..');
let clone: string;
let readme: string;

/** Runs a command in the clean copy; a README command that fails there fails here with its output. */
function inClone(command: string, args: string[], env: Record<string, string> = {}): string {
  const result = spawnSync(command, args, { cwd: clone, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 300_000, maxBuffer: 16 * 1024 * 1024 });
  expect(result.status, `${command} ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`).toBe(0);
  return result.stdout;
}

/** Every `npm …` / `npx …` command the README shows: code-block lines and inline code. */
function readmeCommands(): string[] {
  const blockLines = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((match) => (match[1] ?? '').split('\n'));
  const inline = [...readme.matchAll(/`((?:npm|npx) [^`]+)`/g)].map((match) => match[1] ?? '');
  return [...blockLines, ...inline]
    .flatMap((line) => line.replace(/\s+#.*$/, '').split('&&'))
    .map((line) => line.trim())
    .filter((line) => /^(npm|npx) /.test(line));
}

beforeAll(() => {
  // A clean clone: the files a commit would hold now (tracked and new ones), without builds, caches or anything ignored.
  clone = mkdtempSync(path.join(os.tmpdir(), 'readme-clone-'));
  const tracked = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repo, encoding: 'utf8' }).split('\0').filter((file) => file !== '');
  for (const file of tracked) {
    if (!existsSync(path.join(repo, file))) continue;
    mkdirSync(path.dirname(path.join(clone, file)), { recursive: true });
    copyFileSync(path.join(repo, file), path.join(clone, file));
  }
  // `npm install` is the README's first command; its result is borrowed rather than downloaded again.
  symlinkSync(path.join(repo, 'node_modules'), path.join(clone, 'node_modules'), 'dir');
  readme = readFileSync(path.join(clone, 'README.md'), 'utf8');
});

afterAll(() => {
  rmSync(clone, { recursive: true, force: true });
});

describe('README commands in a clean clone', () => {
  it('names only npm scripts the package has', () => {
    const scripts = Object.keys((JSON.parse(readFileSync(path.join(clone, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);
    const npm = readmeCommands().filter((command) => command.startsWith('npm '));
    expect(npm).toEqual(expect.arrayContaining(['npm install', 'npm start', 'npm test', 'npm run setup:test']));
    for (const command of npm) {
      const [, verb, script] = command.split(/\s+/);
      if (verb === 'run') expect(scripts, command).toContain(script);
      else if (verb === 'start' || verb === 'test') expect(scripts, command).toContain(verb);
      else expect(['install', 'ci'], command).toContain(verb);
    }
  });

  it('sets the tests up before the first `npm test`: apt-get update, then every package the tests use; .ci/run does the same', () => {
    const block = /```sh\n([\s\S]*?npm test[\s\S]*?)```/.exec(readme)?.[1] ?? '';
    expect(block.indexOf('npm run setup:test')).toBeGreaterThanOrEqual(0);
    expect(block.indexOf('npm run setup:test')).toBeLessThan(block.indexOf('npm test'));
    const planned = inClone('npm', ['run', '--silent', 'setup:test', '--', '--dry-run']).trim().split('\n');
    const update = planned.indexOf('apt-get update');
    expect(update).toBeGreaterThanOrEqual(0);
    const installs = planned.slice(update + 1).map((line) => line.split(/\s+/));
    for (const install of installs) expect(install.slice(0, 4)).toEqual(['apt-get', 'install', '-y', '--no-install-recommends']);
    // What the tests reach for: Chromium (e2e), the real Fashion-MNIST, PyTorch (benchmark peer), h5py and onnx (format checks).
    expect(installs[0]).toEqual(expect.arrayContaining(['chromium', 'xvfb', 'dataset-fashion-mnist', 'python3-torch', 'python3-h5py', 'python3-onnx']));
    // WebGPU without a GPU: lavapipe, with its dependencies, from the backports suite the setup adds.
    expect(planned.slice(0, update).join('\n')).toContain('bookworm-backports main');
    expect(installs.map((install) => install.join(' '))).toContain('apt-get install -y --no-install-recommends -t bookworm-backports mesa-vulkan-drivers libvulkan1');
    const ci = readFileSync(path.join(clone, '.ci', 'run'), 'utf8');
    expect(ci.indexOf('npm run setup:test')).toBeGreaterThan(0);
    expect(ci.indexOf('npm run setup:test')).toBeLessThan(ci.indexOf('npm ci'));
    expect(ci.indexOf('npm ci')).toBeLessThan(ci.indexOf('npm test'));
  });

  it('names only model-lab commands and serve options that exist', () => {
    const help = inClone('npx', ['model-lab', 'help']);
    const commands = readmeCommands().filter((command) => command.startsWith('npx model-lab '));
    expect(commands.length).toBeGreaterThan(3);
    expect(help).toMatch(/^Usage: model-lab <command>/);
    for (const command of commands.filter((line) => line !== 'npx model-lab help')) expect(help, command).toMatch(new RegExp(`^  ${command.split(/\s+/)[2]} `, 'm'));
    const serveHelp = inClone('npx', ['model-lab', 'serve', '--help']);
    const readmeFlags = new Set(commands.filter((command) => command.includes(' serve ')).flatMap((command) => command.match(/--[a-z-]+/g) ?? []));
    expect([...readmeFlags].sort()).toEqual(['--allow', '--allow-host', '--host', '--open', '--port']);
    for (const flag of readmeFlags) expect(serveHelp, flag).toMatch(new RegExp(`^  ${flag} `, 'm'));
  }, 600_000);

  it('imports Debian\'s Fashion-MNIST where the package puts it, with its class names', () => {
    const command = readmeCommands().find((line) => line.startsWith('npx model-lab data import /usr/share/datasets/fashion-mnist'));
    expect(command).toBe('npx model-lab data import /usr/share/datasets/fashion-mnist');
    const home = path.join(clone, '.lab-home');
    const out = inClone('npx', ['model-lab', 'data', 'import', '/usr/share/datasets/fashion-mnist'], { MODEL_LAB_HOME: home });
    expect(out).toContain('Imported: fashion-mnist');
    expect(out).toContain('classes  10: T-shirt/top, Trouser, Pullover, Dress, Coat, Sandal, Shirt, Sneaker, Bag, Ankle boot');
    expect(out).toContain('known    Fashion-MNIST, recognised by the SHA-256 of every file');
    expect(out).toContain('splits   train 54000, validation 6000, test 10000');
  }, 600_000);
});
