import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesFromArgv, openedFileKind } from '../../../electron/openFiles';
import { MAX_RECENT_FILES, withRecentFile } from '../../../electron/recentFiles';

describe('openedFileKind', () => {
  it.each([
    ['/p/cats.modellab', 'project'],
    ['/p/MODEL.H5', 'model'],
    ['/p/model.keras', 'model'],
    ['/p/model.onnx', 'model'],
    ['/p/model.json', 'model'],
    ['/p/train-images-idx3-ubyte.gz', 'dataset'],
    ['/p/t10k-labels-idx1-ubyte', 'dataset'],
    ['/p/notes.txt', undefined],
  ])('%s -> %s', (file, kind) => {
    expect(openedFileKind(file)).toBe(kind);
  });
});

describe('filesFromArgv', () => {
  it('keeps openable files, resolved against the working directory, and skips flags and the executable', () => {
    const argv = ['/usr/bin/model-lab', '--no-sandbox', '.', 'projects/cats.modellab', '/abs/model.onnx', 'README.md'];
    expect(filesFromArgv(argv, '/home/u')).toEqual([path.resolve('/home/u', 'projects/cats.modellab'), '/abs/model.onnx']);
  });
});

describe('withRecentFile', () => {
  it('moves the opened file to the front without duplicates and caps the list', () => {
    expect(withRecentFile(['/a', '/b', '/c'], '/b')).toEqual(['/b', '/a', '/c']);
    const many = Array.from({ length: MAX_RECENT_FILES }, (_, i) => `/f${i}`);
    const next = withRecentFile(many, '/new');
    expect(next).toHaveLength(MAX_RECENT_FILES);
    expect(next[0]).toBe('/new');
    expect(next).not.toContain(`/f${MAX_RECENT_FILES - 1}`);
  });
});
