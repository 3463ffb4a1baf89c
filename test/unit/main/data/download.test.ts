import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { downloadFile } from '../../../../main/data/download';
import { fetchBuiltinFiles, type BuiltinSource } from '../../../../main/data/builtins';
import { encodeIdx } from '../../../../main/data/idx';
import { importDataset } from '../../../../main/data/importDataset';
import { importOptionsSchema, type DatasetProgressEvent } from '../../../../common/api/methods/datasets';
import { cifarRecords } from './fixtures';

let work: string;
let server: http.Server;
let base: string;
const files = new Map<string, Buffer>();
const requests: Array<{ url: string; range: string | undefined; status: number }> = [];
let honourRange = true;

const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'lab-download-'));
  const big = Buffer.alloc(300_000);
  for (let i = 0; i < big.length; i++) big[i] = (i * 31) % 251;
  files.set('/big.bin', big);
  // A 127.0.0.1 server with Range support, serving files generated here.
  server = http.createServer((req, res) => {
    const body = files.get(req.url ?? '');
    const range = req.headers.range;
    if (!body) {
      requests.push({ url: req.url ?? '', range, status: 404 });
      res.writeHead(404).end();
      return;
    }
    const match = honourRange && range ? /^bytes=(\d+)-$/.exec(range) : null;
    const start = match ? Number(match[1]) : 0;
    if (start >= body.length && match) {
      requests.push({ url: req.url ?? '', range, status: 416 });
      res.writeHead(416).end();
      return;
    }
    const status = match ? 206 : 200;
    requests.push({ url: req.url ?? '', range, status });
    res.writeHead(status, { 'content-length': String(body.length - start), ...(match ? { 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` } : {}) });
    res.end(body.subarray(start));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await fs.rm(work, { recursive: true, force: true });
});

describe('downloadFile', () => {
  it('resumes a partial download with a Range request and checks the digest', async () => {
    const big = files.get('/big.bin')!;
    const dest = path.join(work, 'big.bin');
    await fs.writeFile(`${dest}.part`, big.subarray(0, 120_000));
    requests.length = 0;
    const seen: number[] = [];
    await downloadFile({ url: `${base}/big.bin`, sha256: sha256(big), size: big.length }, dest, { onBytes: (done) => seen.push(done) });
    expect(requests).toEqual([{ url: '/big.bin', range: 'bytes=120000-', status: 206 }]);
    expect(sha256(await fs.readFile(dest))).toBe(sha256(big));
    expect(seen[0]).toBe(120_000);
    expect(seen.at(-1)).toBe(big.length);
    await expect(fs.access(`${dest}.part`)).rejects.toThrow();
    // A complete, verified file is not fetched again.
    requests.length = 0;
    await downloadFile({ url: `${base}/big.bin`, sha256: sha256(big) }, dest);
    expect(requests).toEqual([]);
  });

  it('starts over when the server ignores the Range header', async () => {
    const big = files.get('/big.bin')!;
    const dest = path.join(work, 'again.bin');
    await fs.writeFile(`${dest}.part`, Buffer.from('stale bytes from another file'));
    honourRange = false;
    try {
      await downloadFile({ url: `${base}/big.bin`, sha256: sha256(big) }, dest);
    } finally {
      honourRange = true;
    }
    expect(sha256(await fs.readFile(dest))).toBe(sha256(big));
  });

  it('fails with DATASET_CHECKSUM on a digest mismatch and removes the partial file', async () => {
    const dest = path.join(work, 'bad.bin');
    await expect(downloadFile({ url: `${base}/big.bin`, sha256: '0'.repeat(64) }, dest)).rejects.toMatchObject({ code: 'DATASET_CHECKSUM' });
    await expect(fs.access(`${dest}.part`)).rejects.toThrow();
    await expect(fs.access(dest)).rejects.toThrow();
  });

  it('fails with DOWNLOAD_FAILED on an HTTP error', async () => {
    await expect(downloadFile({ url: `${base}/missing.bin`, sha256: '0'.repeat(64) }, path.join(work, 'missing.bin'))).rejects.toMatchObject({ code: 'DOWNLOAD_FAILED' });
  });
});

describe('built-in datasets from a local mirror', () => {
  it('downloads IDX files with progress and imports them', async () => {
    const images = new Uint8Array(20 * 28 * 28).map((_, i) => i % 256);
    const labels = Uint8Array.from({ length: 20 }, (_, i) => i % 10);
    const served: Array<[string, Uint8Array]> = [
      ['train-images-idx3-ubyte.gz', encodeIdx([20, 28, 28], images, true)],
      ['train-labels-idx1-ubyte.gz', encodeIdx([20], labels, true)],
      ['t10k-images-idx3-ubyte.gz', encodeIdx([10, 28, 28], images.subarray(0, 10 * 784), true)],
      ['t10k-labels-idx1-ubyte.gz', encodeIdx([10], labels.subarray(0, 10), true)],
    ];
    for (const [name, data] of served) files.set(`/mnist/${name}`, Buffer.from(data));
    const source: BuiltinSource = {
      id: 'mnist', name: 'MNIST', description: '', classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], imageShape: [28, 28, 1], license: '', kind: 'idx', archive: false,
      files: served.map(([name, data]) => ({ name, url: `${base}/mnist/${name}`, sha256: sha256(data), size: data.length })),
    };
    const events: DatasetProgressEvent[] = [];
    const located = await fetchBuiltinFiles(source, path.join(work, 'downloads'), { importId: 'dl', onProgress: (e) => events.push(e) });
    const downloadEvents = events.filter((e) => e.phase === 'download');
    expect(downloadEvents.at(-1)!.done).toBe(served.reduce((sum, [, d]) => sum + d.length, 0));
    const { info } = await importDataset({ path: located.path, kind: located.kind, classNames: located.classNames, options: importOptionsSchema.parse({}), sourceKind: 'builtin', id: 'mnist' }, { datasetsRoot: path.join(work, 'datasets') });
    expect(info.id).toBe('mnist');
    expect(info.splits.test).toBe(10);
    expect(info.splits.train + info.splits.validation).toBe(20);
  });

  it('downloads and unpacks a CIFAR-10 style .tar.gz', async () => {
    const staging = path.join(work, 'staging', 'cifar-10-batches-bin');
    await fs.mkdir(staging, { recursive: true });
    await fs.writeFile(path.join(staging, 'data_batch_1.bin'), cifarRecords([0, 1, 2, 3]));
    await fs.writeFile(path.join(staging, 'test_batch.bin'), cifarRecords([4, 5]));
    await fs.writeFile(path.join(staging, 'batches.meta.txt'), 'a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n');
    const archive = path.join(work, 'cifar.tar.gz');
    execFileSync('tar', ['-czf', archive, '-C', path.join(work, 'staging'), 'cifar-10-batches-bin']);
    const data = await fs.readFile(archive);
    files.set('/cifar.tar.gz', data);
    const source: BuiltinSource = {
      id: 'cifar10', name: 'CIFAR-10', description: '', classes: [], imageShape: [32, 32, 3], license: '', kind: 'cifar10', archive: true,
      files: [{ name: 'cifar-10-binary.tar.gz', url: `${base}/cifar.tar.gz`, sha256: sha256(data), size: data.length }],
    };
    const located = await fetchBuiltinFiles(source, path.join(work, 'downloads'), { importId: 'c' });
    expect((await fs.readdir(located.path)).sort()).toEqual(['batches.meta.txt', 'data_batch_1.bin', 'test_batch.bin']);
    expect(await fs.readFile(path.join(located.path, 'data_batch_1.bin'))).toEqual(Buffer.from(cifarRecords([0, 1, 2, 3])));
  });
});
