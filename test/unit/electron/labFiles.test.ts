import { describe, expect, it } from 'vitest';
import { createLabFiles, type WebUtilsLike } from '../../../electron/labFiles';

/** Stands in for a DOM File: only its identity matters to the bridge. */
interface FakeFile {
  name: string;
}

/** Answers like Electron's webUtils: a path for files from disk, '' for files made in the page, a throw for non-files. */
function fakeWebUtils(paths: Map<FakeFile, string>): WebUtilsLike<FakeFile> & { calls: FakeFile[] } {
  const calls: FakeFile[] = [];
  return {
    calls,
    getPathForFile(file) {
      calls.push(file);
      if (typeof file !== 'object' || file === null) throw new TypeError('Expected a File');
      return paths.get(file) ?? '';
    },
  };
}

describe('createLabFiles', () => {
  it('returns the path webUtils knows for a file from disk', () => {
    const onDisk = { name: 'cat.png' };
    const webUtils = fakeWebUtils(new Map([[onDisk, '/home/ada/pets/cat.png']]));
    expect(createLabFiles(webUtils).pathForFile(onDisk)).toBe('/home/ada/pets/cat.png');
    expect(webUtils.calls).toEqual([onDisk]);
  });

  it('answers null for a file made in the page and for anything that is not a file', () => {
    const bridge = createLabFiles(fakeWebUtils(new Map()));
    expect(bridge.pathForFile({ name: 'made-in-page.png' })).toBeNull();
    expect(bridge.pathForFile(null as unknown as FakeFile)).toBeNull();
  });
});
