import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { appendEpochRecord, checkpointDir, readHistory, runDirOf, writeCheckpoint } from '../../../../main/project/runRepository';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await fs.rm(dir, { recursive: true, force: true });
});

describe('run folders', () => {
  it('reads metrics.jsonl past a torn last line, later lines winning for a repeated epoch', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'run-'));
    dirs.push(dir);
    const record = (epoch: number, loss: number) => ({ epoch, logs: { loss }, learningRate: 0.001, seconds: 1, imagesPerSecond: 10, time: 't' });
    await appendEpochRecord(dir, record(1, 1));
    await appendEpochRecord(dir, record(2, 0.9));
    await appendEpochRecord(dir, record(2, 0.8));
    await fs.appendFile(path.join(dir, 'metrics.jsonl'), '{"epoch": 3, "lo');
    const history = await readHistory(dir);
    expect(history.map((r) => [r.epoch, r.logs['loss']])).toEqual([[1, 1], [2, 0.8]]);
  });

  it('swaps checkpoints through a pointer and removes the previous folder', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'run-'));
    dirs.push(dir);
    await writeCheckpoint(dir, 'last', 1, (d) => fs.writeFile(path.join(d, 'model.json'), '1'));
    await writeCheckpoint(dir, 'last', 2, (d) => fs.writeFile(path.join(d, 'model.json'), '2'));
    const last = await checkpointDir(dir, 'last');
    expect(last?.epoch).toBe(2);
    expect(await fs.readFile(path.join(last?.dir ?? '', 'model.json'), 'utf8')).toBe('2');
    expect((await fs.readdir(path.join(dir, 'checkpoints'))).filter((n) => n.startsWith('last-'))).toHaveLength(1);
    expect(await checkpointDir(dir, 'best')).toBeNull();
  });

  it('keeps the previous checkpoint when writing a new one fails', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'run-'));
    dirs.push(dir);
    await writeCheckpoint(dir, 'best', 1, (d) => fs.writeFile(path.join(d, 'model.json'), '1'));
    await expect(writeCheckpoint(dir, 'best', 2, () => Promise.reject(new Error('disk full')))).rejects.toThrow('disk full');
    expect((await checkpointDir(dir, 'best'))?.epoch).toBe(1);
  });

  it('rejects run ids that would leave the runs folder', () => {
    expect(() => runDirOf('/runs', '../etc')).toThrow(expect.objectContaining({ code: 'API_BAD_INPUT' }));
  });
});
