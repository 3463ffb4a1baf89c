import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { LabContext } from '../../../../main/api/labContext';
import { createUploadHandlers, UPLOAD_IDLE_MS } from '../../../../main/api/uploadHandlers';
import { safeRelativeSegments } from '../../../../main/api/uploadPath';
import { dispatchLabMethod } from '../../../../main/api/dispatch';
import type { LabHandlers } from '../../../../common/api/labApi';
import { MAX_UPLOAD_CALL_BYTES, MAX_UPLOAD_TOTAL_BYTES, type UploadFilesInput, type UploadFilesResult } from '../../../../common/api/methods/uploads';
import { LabError } from '../../../../common/errors';

const work = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'uploads-')));
const dataDir = path.join(work, 'data');
const projectDir = path.join(work, 'demo.modellab');
mkdirSync(dataDir, { recursive: true });
mkdirSync(projectDir, { recursive: true });
afterAll(() => rmSync(work, { recursive: true, force: true }));

let clock = 0;
let handlers: Pick<LabHandlers, 'uploadFiles'>;
beforeEach(() => {
  clock = 1_000;
  handlers = createUploadHandlers(new LabContext({ dataDir, allowedRoots: [work] }), () => clock);
});

/** Calls through the method table, so the schema's defaults and limits apply as on a transport. */
function upload(input: UploadFilesInput): Promise<UploadFilesResult> {
  return dispatchLabMethod(handlers as LabHandlers, 'uploadFiles', input) as Promise<UploadFilesResult>;
}

function b64(text: string | Buffer): string {
  return Buffer.from(text).toString('base64');
}

async function failure(call: Promise<unknown>): Promise<LabError> {
  try {
    await call;
  } catch (error) {
    expect(error).toBeInstanceOf(LabError);
    return error as LabError;
  }
  throw new Error('expected the call to fail');
}

describe('safeRelativeSegments', () => {
  it.each([
    ['cat/001.png', ['cat', '001.png']],
    ['a\\b\\c.png', ['a', 'b', 'c.png']],
    ['train/dog/x y.jpg', ['train', 'dog', 'x y.jpg']],
  ])('accepts %s', (input, expected) => {
    expect(safeRelativeSegments(input)).toEqual(expected);
  });

  it.each(['../secret', 'cat/../../x', '/etc/passwd', '\\\\server\\share\\x', 'C:\\x.png', 'c:x.png', 'cat//x.png', './x', 'cat/.', 'a/file:stream', 'CON', 'aux.txt', 'x\u0000y', 'name.', ''])('refuses %j with API_PATH_DENIED naming it', (input) => {
    try {
      safeRelativeSegments(input);
      throw new Error('expected a refusal');
    } catch (error) {
      expect(error).toBeInstanceOf(LabError);
      expect((error as LabError).code).toBe('API_PATH_DENIED');
      expect((error as LabError).details?.path).toBe(input);
      expect((error as LabError).message).toContain(JSON.stringify(input));
    }
  });
});

describe('uploadFiles', () => {
  it('reassembles files sent in several chunks across calls, in the project uploads folder', async () => {
    const big = Buffer.from(Array.from({ length: 10_000 }, (_, i) => i % 251));
    const first = await upload({ uploadId: 'u1', name: 'flowers', projectDir, chunks: [
      { path: 'rose/1.png', size: big.length, offset: 0, data: b64(big.subarray(0, 4_000)) },
      { path: 'tulip/1.png', size: 3, offset: 0, data: b64('abc') },
    ] });
    expect(first).toEqual({ folder: path.join(projectDir, 'uploads', 'flowers'), files: 2, bytes: 4_003, complete: false, paths: [] });
    await upload({ uploadId: 'u1', name: 'flowers', projectDir, chunks: [{ path: 'rose/1.png', size: big.length, offset: 4_000, data: b64(big.subarray(4_000, 9_000)) }] });
    const last = await upload({ uploadId: 'u1', name: 'flowers', projectDir, chunks: [
      { path: 'rose/1.png', size: big.length, offset: 9_000, data: b64(big.subarray(9_000)) },
      { path: 'empty.txt', size: 0, offset: 0, data: '' },
    ], done: true });
    const folder = path.join(projectDir, 'uploads', 'flowers');
    expect(last).toEqual({ folder, files: 3, bytes: 10_003, complete: true, paths: [path.join(folder, 'rose', '1.png'), path.join(folder, 'tulip', '1.png'), path.join(folder, 'empty.txt')] });
    expect(readFileSync(path.join(folder, 'rose', '1.png')).equals(big)).toBe(true);
    expect(readFileSync(path.join(folder, 'tulip', '1.png'), 'utf8')).toBe('abc');
    expect(readFileSync(path.join(folder, 'empty.txt')).length).toBe(0);
  });

  it('stages under the data folder without a project, and a new drop of the same name replaces the old one', async () => {
    await upload({ uploadId: 'a', name: 'digits', chunks: [{ path: 'old.png', size: 1, offset: 0, data: b64('x') }], done: true });
    const result = await upload({ uploadId: 'b', name: 'digits', chunks: [{ path: 'new.png', size: 1, offset: 0, data: b64('y') }], done: true });
    expect(result.folder).toBe(path.join(dataDir, 'uploads', 'digits'));
    expect(readdirSync(result.folder)).toEqual(['new.png']);
  });

  it('refuses a path leaving the drop with API_PATH_DENIED naming it, and removes the partial folder', async () => {
    await upload({ uploadId: 't', name: 'evil', chunks: [{ path: 'ok.png', size: 1, offset: 0, data: b64('x') }] });
    const error = await failure(upload({ uploadId: 't', name: 'evil', chunks: [{ path: '../../escape.png', size: 1, offset: 0, data: b64('x') }] }));
    expect(error.code).toBe('API_PATH_DENIED');
    expect(error.message).toContain('"../../escape.png"');
    expect(existsSync(path.join(dataDir, 'escape.png'))).toBe(false);
    expect(existsSync(path.join(dataDir, 'uploads', 'evil'))).toBe(false);
  });

  it('refuses a drop name that is not one plain segment', async () => {
    for (const name of ['..', 'a/b', 'C:', '/abs']) {
      expect((await failure(upload({ uploadId: `n-${name}`, name, chunks: [] }))).code).toBe('API_PATH_DENIED');
    }
    expect(existsSync(path.join(work, 'b'))).toBe(false);
  });

  it('refuses chunks out of order, past the declared size, or with a changed size', async () => {
    const outOfOrder = await failure(upload({ uploadId: 'o', name: 'o', chunks: [{ path: 'a.png', size: 4, offset: 2, data: b64('ab') }] }));
    expect(outOfOrder.code).toBe('API_BAD_INPUT');
    expect(outOfOrder.details?.path).toBe('a.png');
    const tooLong = await failure(upload({ uploadId: 'l', name: 'l', chunks: [{ path: 'a.png', size: 2, offset: 0, data: b64('abc') }] }));
    expect(tooLong.message).toContain('at most 2 bytes for a.png');
    await upload({ uploadId: 's', name: 's', chunks: [{ path: 'a.png', size: 4, offset: 0, data: b64('ab') }] });
    expect((await failure(upload({ uploadId: 's', name: 's', chunks: [{ path: 'a.png', size: 5, offset: 2, data: b64('cd') }] }))).details?.field).toBe('size');
  });

  it('reports a file and a folder of one name as a write failure naming the path', async () => {
    const error = await failure(upload({ uploadId: 'clash', name: 'clash', chunks: [{ path: 'cat', size: 1, offset: 0, data: b64('x') }, { path: 'cat/1.png', size: 1, offset: 0, data: b64('y') }] }));
    expect(error.code).toBe('IO_WRITE_FAILED');
    expect(error.details?.path).toBe('cat/1.png');
  });

  it('refuses done while a file is incomplete, and an empty drop', async () => {
    const incomplete = await failure(upload({ uploadId: 'i', name: 'i', chunks: [{ path: 'cat/a.png', size: 4, offset: 0, data: b64('ab') }], done: true }));
    expect(incomplete.code).toBe('API_BAD_INPUT');
    expect(incomplete.message).toContain('cat/a.png has 2 of 4 bytes');
    expect((await failure(upload({ uploadId: 'e', name: 'e', chunks: [], done: true }))).code).toBe('DATASET_EMPTY');
  });

  it('caps the bytes of one call, of one file and of the whole drop', async () => {
    const tooMuch = 'A'.repeat(Math.ceil((MAX_UPLOAD_CALL_BYTES + 3) / 3) * 4);
    const perCall = await failure(upload({ uploadId: 'c', name: 'c', chunks: [{ path: 'a', size: 1, offset: 0, data: tooMuch.slice(0, tooMuch.length / 2) }, { path: 'b', size: 1, offset: 0, data: tooMuch.slice(0, tooMuch.length / 2) }] }));
    expect(perCall.code).toBe('API_BAD_INPUT');
    expect(perCall.details?.field).toBe('chunks');
    expect((await failure(upload({ uploadId: 'f', name: 'f', chunks: [{ path: 'huge.bin', size: 2 ** 40, offset: 0, data: '' }] }))).code).toBe('API_BAD_INPUT');
    const half = MAX_UPLOAD_TOTAL_BYTES / 16;
    const chunks = Array.from({ length: 17 }, (_, i) => ({ path: `part${i}.bin`, size: half, offset: 0, data: '' }));
    const total = await failure(upload({ uploadId: 't2', name: 't2', chunks }));
    expect(total.details?.path).toBe('part16.bin');
  });

  it('refuses a project folder outside the allowed roots or missing', async () => {
    expect((await failure(upload({ uploadId: 'p', name: 'p', projectDir: path.dirname(work), chunks: [] }))).code).toBe('API_PATH_DENIED');
    expect((await failure(upload({ uploadId: 'm', name: 'm', projectDir: path.join(work, 'missing.modellab'), chunks: [] }))).code).toBe('PROJECT_NOT_FOUND');
  });

  it('refuses a second upload into the same folder while the first runs', async () => {
    const [first, second] = await Promise.allSettled([
      upload({ uploadId: 'same-1', name: 'same', chunks: [{ path: 'a.png', size: 2, offset: 0, data: b64('a') }] }),
      upload({ uploadId: 'same-2', name: 'same', chunks: [{ path: 'b.png', size: 1, offset: 0, data: b64('b') }] }),
    ]);
    const outcomes = [first, second].map((outcome) => (outcome.status === 'fulfilled' ? 'ok' : outcome.reason instanceof LabError ? outcome.reason.details?.field : 'other'));
    expect(outcomes.sort()).toEqual(['name', 'ok']);
    expect(readdirSync(path.join(dataDir, 'uploads', 'same'))).toEqual([first.status === 'fulfilled' ? 'a.png' : 'b.png']);
  });

  it('never removes anything through an uploads folder that links out of the allowed folders', async () => {
    const linkedProject = path.join(work, 'linked.modellab');
    const outside = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'uploads-outside-')));
    mkdirSync(path.join(outside, 'victim'), { recursive: true });
    writeFileSync(path.join(outside, 'victim', 'keep.txt'), 'keep');
    mkdirSync(linkedProject);
    symlinkSync(outside, path.join(linkedProject, 'uploads'));
    try {
      expect((await failure(upload({ uploadId: 'link', name: 'victim', projectDir: linkedProject, chunks: [] }))).code).toBe('API_PATH_DENIED');
      expect(readFileSync(path.join(outside, 'victim', 'keep.txt'), 'utf8')).toBe('keep');
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('abandons an upload left idle, removing its folder', async () => {
    const started = await upload({ uploadId: 'idle', name: 'idle', chunks: [{ path: 'a.png', size: 2, offset: 0, data: b64('a') }] });
    clock += UPLOAD_IDLE_MS + 1;
    await upload({ uploadId: 'other', name: 'other', chunks: [] });
    expect(existsSync(started.folder)).toBe(false);
    // The idle one starts over: its file is new again, so offset 1 is out of order.
    expect((await failure(upload({ uploadId: 'idle', name: 'idle', chunks: [{ path: 'a.png', size: 2, offset: 1, data: b64('b') }] }))).details?.field).toBe('offset');
  });
});
