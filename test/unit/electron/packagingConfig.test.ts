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
  linux?: { target?: string[] };
  win?: { target?: string[] };
  mac?: { target?: string[] };
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
    for (const addon of ['tfjs-node', 'sharp', 'onnxruntime-node', 'h5wasm']) expect(config.asarUnpack?.some((glob) => glob.includes(addon)), addon).toBe(true);
    expect(existsSync(path.join(root, 'build', 'icon.png'))).toBe(true);
    expect(existsSync(path.join(root, 'build', 'icons', '512x512.png'))).toBe(true);
  });

  it('associates the project and model extensions the shell opens', async () => {
    const config = await getConfig(root, path.join(root, 'build', 'electron-builder.yml'), null);
    const associated = (config.fileAssociations ?? []).flatMap((a) => (Array.isArray(a.ext) ? a.ext : [a.ext]));
    for (const ext of associated) expect(OPENED_FILE_EXTENSIONS[`.${ext}`], ext).toBeDefined();
    expect(associated).toEqual(expect.arrayContaining(['modellab', 'h5', 'keras', 'onnx']));
  });
});
