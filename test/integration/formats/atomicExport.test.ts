import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../../main/install/installFolder';
import { EXPORT_TARGETS } from '../../fixtures/formats/exportTargets';

const EXPORTER = path.join(repoRoot(), 'test', 'fixtures', 'formats', 'exportEveryFormat.ts');
/** 512-byte blocks the exporter may write per file (64 KiB): its models are about 480 KiB, its model cards under 1 KiB. */
const FILE_SIZE_LIMIT_BLOCKS = 128;

let root: string;

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'atomic-export-'));
});

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

/**
 * Runs the exporter on each folder in a shell whose file-size limit stops every model
 * file part-way (Node ignores SIGXFSZ, so the write fails with EFBIG, as on a full disk).
 * `ulimit -f` counts 512-byte blocks in a POSIX shell.
 */
function exportUnderSizeLimit(outDirs: string[]): Record<string, Record<string, string>> {
  const result = spawnSync('/bin/sh', ['-c', `ulimit -f ${FILE_SIZE_LIMIT_BLOCKS} && exec "$0" --import tsx "$@"`, process.execPath, EXPORTER, ...outDirs], {
    cwd: repoRoot(), encoding: 'utf8', timeout: 180_000,
  });
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Record<string, Record<string, string>>;
}

/** Every file below `dir` with its content, relative paths sorted. */
async function filesBelow(dir: string): Promise<Record<string, string>> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  const files: Record<string, string> = {};
  for (const entry of entries.filter((e) => e.isFile()).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(entry.parentPath, entry.name);
    files[path.relative(dir, full)] = await fs.readFile(full, 'utf8');
  }
  return files;
}

describe('an export that fails while writing', () => {
  it('leaves a previous export of every format as it was, no file where there was none, and no temporary file', async () => {
    const replaced = path.join(root, 'previous');
    const fresh = path.join(root, 'fresh');
    await fs.mkdir(path.join(replaced, EXPORT_TARGETS.tfjs), { recursive: true });
    await fs.mkdir(fresh);
    const previous: Record<string, string> = {
      [EXPORT_TARGETS.h5]: 'previous h5\n',
      [EXPORT_TARGETS.keras]: 'previous keras\n',
      [EXPORT_TARGETS.onnx]: 'previous onnx\n',
      'model-card.json': 'previous card\n',
      [path.join(EXPORT_TARGETS.tfjs, 'model.json')]: 'previous model.json\n',
      [path.join(EXPORT_TARGETS.tfjs, 'group1-shard1of1.bin')]: 'previous weights\n',
    };
    for (const [file, content] of Object.entries(previous)) await fs.writeFile(path.join(replaced, file), content);
    const outcomes = exportUnderSizeLimit([replaced, fresh]);
    for (const dir of [replaced, fresh]) {
      for (const format of Object.keys(EXPORT_TARGETS)) expect(outcomes[dir]?.[format], `${format} into ${dir}`).toMatch(/^IO_/);
    }
    expect(await filesBelow(replaced)).toEqual(previous);
    expect(await filesBelow(fresh)).toEqual({});
  });
});
