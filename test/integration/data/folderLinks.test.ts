import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { createLabService, type LabService } from '../../../main/api/labService';

/**
 * Symbolic links in an imported image folder are followed only where the lab may read:
 * a file linked from outside the allowed folders is skipped (and its target not named),
 * a linked class folder is skipped with the reason.
 */

let root: string;
let allowed: string;
let service: LabService;

async function png(file: string, value: number): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, await sharp(Buffer.alloc(6 * 6 * 3, value), { raw: { width: 6, height: 6, channels: 3 } }).png().toBuffer());
}

beforeAll(async () => {
  root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'lab-folder-links-')));
  allowed = path.join(root, 'allowed');
  const pets = path.join(allowed, 'pets');
  for (let i = 0; i < 3; i++) {
    await png(path.join(pets, 'cats', `${i}.png`), 40 + i);
    await png(path.join(pets, 'dogs', `${i}.png`), 200 + i);
  }
  await png(path.join(root, 'private', 'secret.png'), 99);
  await png(path.join(allowed, 'elsewhere', 'shared.png'), 120);
  await png(path.join(allowed, 'more-cats', 'm.png'), 50);
  await fs.symlink(path.join(root, 'private', 'secret.png'), path.join(pets, 'cats', 'stolen.png'));
  await fs.symlink(path.join(allowed, 'elsewhere', 'shared.png'), path.join(pets, 'dogs', 'shared.png'));
  await fs.symlink(path.join(allowed, 'more-cats'), path.join(pets, 'linked-class'));
  await fs.symlink(path.join(root, 'private'), path.join(pets, 'dogs', 'linked-subfolder'));
  service = await createLabService({ dataDir: path.join(allowed, '.lab'), allowedRoots: [allowed] });
});

afterAll(async () => {
  service.dispose();
  await fs.rm(root, { recursive: true, force: true });
});

describe('links in an image folder', () => {
  it('decodes links that stay in the allowed folders, skips the others and linked folders, and says why', async () => {
    const { info, report } = await service.call('importDataset', { path: path.join(allowed, 'pets'), options: { targetSize: [4, 4], validationSplit: 0, testSplit: 0 } });
    expect(info.classes).toEqual(['cats', 'dogs']);
    // Three cats; three dogs and the linked image that stays in the allowed folder.
    expect(info.classCounts.train).toEqual([3, 4]);
    const reasons = Object.fromEntries(report.skipped.map((s) => [path.relative(path.join(allowed, 'pets'), s.path), s.reason]));
    expect(Object.keys(reasons).sort()).toEqual(['cats/stolen.png', 'dogs/linked-subfolder', 'linked-class']);
    expect(reasons['cats/stolen.png']).toMatch(/outside the allowed folders/);
    expect(reasons['linked-class']).toMatch(/symbolic link to a folder/);
    expect(reasons['dogs/linked-subfolder']).toMatch(/symbolic link to a folder/);
    expect(JSON.stringify(report)).not.toContain('private');
  });
});
