import { createRequire } from 'node:module';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OPENED_FILE_EXTENSIONS } from '../../../electron/openFiles';

const root = path.resolve(__dirname, '..', '..', '..');
const require = createRequire(import.meta.url);

interface BuilderConfig {
  asarUnpack?: string[];
  extraMetadata?: { main?: string };
  fileAssociations?: Array<{ ext: string | string[] }>;
  linux?: { target?: string[]; files?: string[] };
  win?: { target?: string[]; files?: string[] };
  mac?: { target?: string[]; files?: string[] };
}

// electron-builder's own loader and schema validation, so `npm run dist` cannot fail on the config itself.
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  getConfig(projectDir: string, configPath: string, fromOptions: null): Promise<BuilderConfig>;
  validateConfiguration(config: BuilderConfig, logger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util/out/DebugLogger.js') as { DebugLogger: new (enabled: boolean) => unknown };

describe('build/electron-builder.yml', () => {
  it('passes electron-builder validation and targets AppImage, deb, nsis and dmg', async () => {
    const config = await getConfig(root, path.join(root, 'build', 'electron-builder.yml'), null);
    await validateConfiguration(config, new DebugLogger(false));
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.win?.target).toEqual(['nsis']);
    expect(config.mac?.target).toEqual(['dmg']);
  });

  it('starts the bundled main process, unpacks native addons and has its icons', async () => {
    const config = await getConfig(root, path.join(root, 'build', 'electron-builder.yml'), null);
    expect(config.extraMetadata?.main).toBe('dist/electron/main.mjs');
    for (const addon of ['tfjs-node', 'sharp', 'onnxruntime-node', 'h5wasm', 'webgpu']) expect(config.asarUnpack?.some((glob) => glob.includes(addon)), addon).toBe(true);
    expect(existsSync(path.join(root, 'build', 'icon.png'))).toBe(true);
    expect(existsSync(path.join(root, 'build', 'icons', '512x512.png'))).toBe(true);
  });

  it('associates the project and model extensions the shell opens', async () => {
    const config = await getConfig(root, path.join(root, 'build', 'electron-builder.yml'), null);
    const associated = (config.fileAssociations ?? []).flatMap((a) => (Array.isArray(a.ext) ? a.ext : [a.ext]));
    for (const ext of associated) expect(OPENED_FILE_EXTENSIONS[`.${ext}`], ext).toBeDefined();
    expect(associated).toEqual(expect.arrayContaining(['modellab', 'h5', 'keras', 'onnx']));
  });

  it('unpacks dawn.node from the asar and ships each OS only its own build of it', async () => {
    const config = await getConfig(root, path.join(root, 'build', 'electron-builder.yml'), null);
    // The glob library electron-builder itself matches with.
    const { Minimatch } = createRequire(require.resolve('app-builder-lib/package.json'))('minimatch') as { Minimatch: new (pattern: string, options?: object) => { match(file: string): boolean } };
    const unpacked = (file: string): boolean => (config.asarUnpack ?? []).some((glob) => new Minimatch(glob, { dot: true }).match(file));
    for (const binary of ['linux-x64/dawn.node', 'darwin-universal/dawn.node', 'win32-x64/dawn.node', 'win32-x64/dxcompiler.dll']) {
      expect(unpacked(`node_modules/webgpu/dist/${binary}`), binary).toBe(true);
      expect(existsSync(path.join(root, 'node_modules', 'webgpu', 'dist', binary)), binary).toBe(true);
    }
    // A platform's `files` excludes the other platforms' folders (electron-builder adds them to the top-level list).
    const excluded = (platform: 'linux' | 'win' | 'mac', folder: string): boolean => (config[platform]?.files ?? [])
      .some((glob) => glob.startsWith('!') && new Minimatch(glob.slice(1), { dot: true }).match(`node_modules/webgpu/dist/${folder}/dawn.node`));
    const folders = { linux: ['linux-x64', 'linux-arm64'], win: ['win32-x64', 'win32-arm64'], mac: ['darwin-universal'] } as const;
    for (const platform of ['linux', 'win', 'mac'] as const) {
      for (const [other, own] of Object.entries(folders)) {
        for (const folder of own) expect(excluded(platform, folder), `${platform} ${folder}`).toBe(other !== platform);
      }
    }
  });
});
