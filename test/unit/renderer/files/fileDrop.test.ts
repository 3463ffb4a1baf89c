// @vitest-environment jsdom
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDrop, type DropContents } from '../../../../renderer/files/readDrop';
import { importSourceOf, stageDrop, stagingName, type UploadProgress } from '../../../../renderer/files/stageDrop';
import { kindOfFileName, planDatasetDrop, planImageDrop, planModelDrop } from '../../../../renderer/files/dropKinds';
import { createInProcessClient, createLabService, type LabService } from '../../../../main/api/labService';
import { LabError } from '../../../../common/errors';

/** A file-system entry tree as Chromium's webkitGetAsEntry() gives it. */
type Tree = { [name: string]: string | Tree };

function entryOf(name: string, node: string | Tree, parent: string): FileSystemEntry {
  const fullPath = `${parent}/${name}`;
  if (typeof node === 'string') {
    const file = new File([node], name);
    return { name, fullPath, isFile: true, isDirectory: false, file: (resolve: (file: File) => void) => resolve(file) } as unknown as FileSystemEntry;
  }
  const children = Object.entries(node).map(([child, value]) => entryOf(child, value, fullPath));
  return {
    name, fullPath, isFile: false, isDirectory: true,
    createReader: () => {
      // Answers in batches of two, then an empty batch, as readEntries does (in batches of 100).
      let next = 0;
      return { readEntries: (resolve: (entries: FileSystemEntry[]) => void) => resolve(children.slice(next, (next += 2))) };
    },
  } as unknown as FileSystemEntry;
}

function transferWithEntries(tree: Tree): DataTransfer {
  const items = Object.entries(tree).map(([name, node]) => ({
    kind: 'file',
    webkitGetAsEntry: () => entryOf(name, node, ''),
    getAsFile: () => new File([], name),
  }));
  return { items, files: [] } as unknown as DataTransfer;
}

function transferWithFiles(files: { relativePath: string; text: string }[]): DataTransfer {
  const list = files.map(({ relativePath, text }) => {
    const file = new File([text], relativePath.split('/').at(-1) ?? relativePath);
    Object.defineProperty(file, 'webkitRelativePath', { value: relativePath });
    return file;
  });
  return { items: list.map((file) => ({ kind: 'file', webkitGetAsEntry: () => null, getAsFile: () => file })), files: list } as unknown as DataTransfer;
}

describe('readDrop', () => {
  it('walks dropped folders recursively in name order, reading every batch and leaving dot files out', async () => {
    const contents = await readDrop(transferWithEntries({ flowers: { tulip: { 'b.png': 'b', 'a.png': 'a', '.DS_Store': 'x' }, rose: { '1.png': '1', '2.png': '2', '3.png': '3' } } }));
    expect(contents.items.map((item) => [item.name, item.kind])).toEqual([['flowers', 'folder']]);
    expect(contents.files.map((file) => file.relativePath)).toEqual(['flowers/rose/1.png', 'flowers/rose/2.png', 'flowers/rose/3.png', 'flowers/tulip/a.png', 'flowers/tulip/b.png']);
  });

  it('reports a dropped empty folder as an item without files', async () => {
    const contents = await readDrop(transferWithEntries({ empty: { '.hidden': 'x' } }));
    expect(contents).toEqual({ items: [{ name: 'empty', kind: 'folder', file: expect.any(File) }], files: [] });
    expect(planDatasetDrop(contents)).toEqual({ ok: false, message: expect.stringContaining('The folder "empty" is empty') });
  });

  it('falls back to each File and its webkitRelativePath when entries are unavailable', async () => {
    const contents = await readDrop(transferWithFiles([{ relativePath: 'digits/0/a.png', text: 'a' }, { relativePath: 'digits/1/b.png', text: 'b' }, { relativePath: 'loose.png', text: 'c' }]));
    expect(contents.items.map((item) => [item.name, item.kind])).toEqual([['digits', 'folder'], ['loose.png', 'file']]);
    expect(contents.files.map((file) => file.relativePath)).toEqual(['digits/0/a.png', 'digits/1/b.png', 'loose.png']);
  });
});

function contentsOf(paths: string[], items: DropContents['items'] = []): DropContents {
  const files = paths.map((relativePath) => ({ file: new File(['x'], relativePath.split('/').at(-1) ?? ''), relativePath }));
  const derived = items.length > 0 ? items : [...new Set(paths.map((p) => p.split('/')[0] ?? p))].map((name) => ({ name, kind: paths.some((p) => p.startsWith(`${name}/`)) ? 'folder' as const : 'file' as const, file: null }));
  return { items: derived, files };
}

describe('drop plans', () => {
  it('judges files by name', () => {
    expect(['a.PNG', 'train-images-idx3-ubyte.gz', 'data_batch_1.bin', 'm.h5', 'model.json', 'group1-shard1of1.bin', 'notes.txt'].map(kindOfFileName))
      .toEqual(['image', 'idx', 'cifar', 'model', 'model', 'model-weights', 'other']);
  });

  it('imports one folder of images, IDX or CIFAR files, and loose IDX files', () => {
    expect(planDatasetDrop(contentsOf(['flowers/rose/1.png']))).toEqual({ ok: true, kind: 'folder', label: 'flowers' });
    expect(planDatasetDrop(contentsOf(['mnist/train-images-idx3-ubyte', 'mnist/train-labels-idx1-ubyte']))).toMatchObject({ ok: true, kind: 'idx' });
    expect(planDatasetDrop(contentsOf(['cifar-10-batches-bin/data_batch_1.bin']))).toMatchObject({ ok: true, kind: 'cifar10' });
    expect(planDatasetDrop(contentsOf(['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']))).toMatchObject({ ok: true, kind: 'idx', label: 't10k-images-idx3-ubyte.gz and 1 more' });
  });

  it('refuses what the Data view cannot import with a message naming the file or folder', () => {
    expect(planDatasetDrop(contentsOf(['notes.txt']))).toEqual({ ok: false, message: expect.stringContaining('Cannot import notes.txt') });
    expect(planDatasetDrop(contentsOf(['cat.png']))).toEqual({ ok: false, message: expect.stringContaining('cat.png is a single image') });
    expect(planDatasetDrop(contentsOf(['model.h5']))).toEqual({ ok: false, message: expect.stringContaining('model.h5 is a model file') });
    expect(planDatasetDrop(contentsOf(['docs/readme.md']))).toEqual({ ok: false, message: expect.stringContaining('"docs" holds no images') });
    expect(planDatasetDrop(contentsOf([], [{ name: 'empty', kind: 'folder', file: null }]))).toEqual({ ok: false, message: expect.stringContaining('The folder "empty" is empty') });
    expect(planDatasetDrop(contentsOf(['a/x.png', 'b/y.png']))).toEqual({ ok: false, message: expect.stringContaining('Received: a, b') });
  });

  it('classifies images only, and opens one model file with its shards', () => {
    expect(planImageDrop(contentsOf(['a.png', 'b.jpg']))).toMatchObject({ ok: true, kind: 'images', count: 2 });
    expect(planImageDrop(contentsOf(['a.png', 'data.csv']))).toEqual({ ok: false, message: expect.stringContaining('Cannot classify data.csv') });
    expect(planModelDrop(contentsOf(['tfjs/model.json', 'tfjs/group1-shard1of1.bin']))).toEqual({ ok: true, kind: 'model', label: 'model.json', modelFile: 'tfjs/model.json' });
    expect(planModelDrop(contentsOf(['net.keras']))).toMatchObject({ ok: true, modelFile: 'net.keras' });
    expect(planModelDrop(contentsOf(['photo.png']))).toEqual({ ok: false, message: expect.stringContaining('Cannot open photo.png as a model') });
    expect(planModelDrop(contentsOf(['photo.png']))).toEqual({ ok: false, message: expect.stringContaining('dropped on the Data view') });
    expect(planModelDrop(contentsOf(['notes.txt']))).toEqual({ ok: false, message: expect.not.stringContaining('Data view') });
    expect(planModelDrop(contentsOf(['a.h5', 'b.h5']))).toEqual({ ok: false, message: expect.stringContaining('Received: a.h5, b.h5') });
  });
});

describe('stageDrop', () => {
  let work: string;
  let service: LabService;
  beforeAll(async () => {
    work = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'stage-drop-')));
    service = await createLabService({ dataDir: work, allowedRoots: [work] });
  });
  afterAll(() => {
    service.dispose();
    rmSync(work, { recursive: true, force: true });
  });

  it('uploads a dropped folder in small chunks into uploads/<folder>, reporting progress', async () => {
    const big = 'x'.repeat(5000);
    const contents = await readDrop(transferWithFiles([{ relativePath: 'pets/cat/1.png', text: big }, { relativePath: 'pets/dog/1.png', text: 'woof' }, { relativePath: 'pets/dog/empty.png', text: '' }]));
    const seen: UploadProgress[] = [];
    const staged = await stageDrop(contents, { client: createInProcessClient(service), chunkBytes: 1024, onProgress: (progress) => seen.push(progress) });
    const folder = path.join(work, 'uploads', 'pets');
    expect(staged).toEqual({ folder, paths: [path.join(folder, 'cat', '1.png'), path.join(folder, 'dog', '1.png'), path.join(folder, 'dog', 'empty.png')], uploaded: true });
    expect(readFileSync(path.join(folder, 'cat', '1.png'), 'utf8')).toBe(big);
    expect(seen.length).toBeGreaterThan(5);
    expect(seen.at(-1)).toEqual({ files: 3, totalFiles: 3, bytes: 5004, totalBytes: 5004 });
    expect(importSourceOf(staged)).toBe(folder);
  });

  it('sends many small files in several calls, so progress keeps moving', async () => {
    const files = Array.from({ length: 1200 }, (_, index) => ({ file: new File([], `${index}.png`), relativePath: `many/${index}.png` }));
    const contents: DropContents = { items: [{ name: 'many', kind: 'folder', file: null }], files };
    const calls: { chunks: unknown[]; done: boolean }[] = [];
    const client = { uploadFiles: async (input: { chunks?: unknown[]; done?: boolean }) => {
      calls.push({ chunks: input.chunks ?? [], done: input.done ?? false });
      return { folder: '/u/many', files: 0, bytes: 0, complete: input.done ?? false, paths: input.done ? files.map((file) => `/u/${file.relativePath}`) : [] };
    } };
    await stageDrop(contents, { client });
    expect(calls.map((call) => call.chunks.length)).toEqual([500, 500, 200]);
    expect(calls.map((call) => call.done)).toEqual([false, false, true]);
  });

  it('passes on the lab refusing a path that leaves the drop', async () => {
    const contents: DropContents = { items: [{ name: 'x.png', kind: 'file', file: null }], files: [{ file: new File(['x'], 'x.png'), relativePath: '../x.png' }] };
    const error = await stageDrop(contents, { client: createInProcessClient(service) }).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(LabError);
    expect((error as LabError).code).toBe('API_PATH_DENIED');
  });

  it('uses the desktop bridge\'s real paths without uploading', async () => {
    const contents = await readDrop(transferWithEntries({ shots: { 'a.png': 'a', sub: { 'b.png': 'b' } }, 'c.png': 'c' }));
    const calls: unknown[] = [];
    const client = { uploadFiles: async (input: unknown) => { calls.push(input); throw new Error('no upload expected'); } };
    const bridge = { pathForFile: (file: File) => (file.name === 'shots' ? 'C:\\Users\\ada\\shots' : `/home/ada/${file.name}`) };
    const staged = await stageDrop(contents, { client, bridge });
    expect(staged).toEqual({ folder: null, paths: ['C:\\Users\\ada\\shots\\a.png', 'C:\\Users\\ada\\shots\\sub\\b.png', '/home/ada/c.png'], uploaded: false });
    expect(calls).toEqual([]);
  });

  it('picks what importDataset reads for loose desktop files', () => {
    expect(importSourceOf({ folder: null, paths: ['/d/train-images-idx3-ubyte', '/d/train-labels-idx1-ubyte'], uploaded: false })).toBe('/d/train-images-idx3-ubyte');
    expect(importSourceOf({ folder: null, paths: ['/d/data_batch_1.bin', '/d/test_batch.bin'], uploaded: false })).toBe('/d');
    expect(importSourceOf({ folder: null, paths: ['/d/a.bin', '/e/b.bin'], uploaded: false })).toBeNull();
  });

  it('names the staging folder after the drop, safely', () => {
    expect(stagingName(contentsOf(['flowers/a.png']))).toBe('flowers');
    expect(stagingName(contentsOf(['model.h5']))).toBe('model');
    expect(stagingName({ items: [{ name: 'a:b.', kind: 'folder', file: null }], files: [] })).toBe('a_b');
    expect(stagingName(contentsOf(['a.png', 'b.png']), new Date('2026-01-02T03:04:05.000Z'))).toBe('drop-2026-01-02T03-04-05-000Z');
  });
});
