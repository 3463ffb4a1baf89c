import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { main } from '../../../main/cli';

let work: string;
let previousHome: string | undefined;

function buffers(): { io: { out(t: string): void; err(t: string): void; isTty: boolean }; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { io: { out: (t) => { out += t; }, err: (t) => { err += t; }, isTty: false }, out: () => out, err: () => err };
}

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'lab-data-cli-'));
  previousHome = process.env['MODEL_LAB_HOME'];
  process.env['MODEL_LAB_HOME'] = path.join(work, 'home');
  for (const cls of ['circle', 'square']) {
    await fs.mkdir(path.join(work, 'shapes', cls), { recursive: true });
    for (let i = 0; i < 10; i++) {
      await fs.writeFile(path.join(work, 'shapes', cls, `${i}.png`), await sharp(Buffer.alloc(64 * 3, cls === 'circle' ? i : 255 - i), { raw: { width: 8, height: 8, channels: 3 } }).png().toBuffer());
    }
  }
  await fs.writeFile(path.join(work, 'shapes', 'circle', 'broken.png'), Buffer.from('not a png'));
});

afterAll(async () => {
  if (previousHome === undefined) delete process.env['MODEL_LAB_HOME'];
  else process.env['MODEL_LAB_HOME'] = previousHome;
  await fs.rm(work, { recursive: true, force: true });
});

describe('model-lab data', () => {
  it('imports with options, prints the report, then lists and describes the dataset', async () => {
    const run = buffers();
    const code = await main(['data', 'import', path.join(work, 'shapes'), '--size', '28x28', '--mode', 'grayscale', '--resize', 'squash', '--val', '0.1', '--test', '0.1', '--seed', '1'], run.io);
    expect(run.err()).toContain('decode');
    expect(code).toBe(0);
    expect(run.out()).toContain('Imported: shapes');
    expect(run.out()).toContain('28x28x1 (grayscale, squash)');
    expect(run.out()).toContain('train 16, validation 2, test 2');
    expect(run.out()).toMatch(/broken\.png: /);
    const id = /\(id ([^)]+)\)/.exec(run.out())![1]!;

    const list = buffers();
    expect(await main(['data', 'list'], list.io)).toBe(0);
    expect(list.out()).toContain(id);

    const info = buffers();
    expect(await main(['data', 'info', id], info.io)).toBe(0);
    expect(info.out()).toContain('circle');
    expect(info.out()).toContain('8x8 (20) before resizing');

    const byName = buffers();
    expect(await main(['data', 'rename-class', id, 'circle', 'disc'], byName.io)).toBe(0);
    expect(byName.out()).toContain('classes 0 disc, 1 square');
    const byLabel = buffers();
    expect(await main(['data', 'rename-class', id, '1', 'box', '--json'], byLabel.io)).toBe(0);
    expect((JSON.parse(byLabel.out()) as { classes: string[] }).classes).toEqual(['disc', 'box']);
    const unknown = buffers();
    expect(await main(['data', 'rename-class', id, 'triangle', 'x'], unknown.io)).toBe(1);
    expect(unknown.err()).toContain('error [API_BAD_INPUT]: Expected a label in [0, 1] or a class name of shapes (disc, box). Received: class="triangle"');
  });

  it('reports a bad option as API_BAD_INPUT', async () => {
    const run = buffers();
    expect(await main(['data', 'import', path.join(work, 'shapes'), '--size', 'big'], run.io)).toBe(1);
    expect(run.err()).toContain('error [API_BAD_INPUT]');
  });
});
