import { describe, expect, it } from 'vitest';
import { CIFAR_TRAIN_BATCH, IDX_FILE_NAME, IDX_IMAGES_FILE_NAME, isCifarFileName } from '../../../../common/files/datasetFiles';
import { FORBIDDEN_NAME_CHARACTERS, WINDOWS_DEVICE_NAME, safeFileName } from '../../../../common/files/fileNames';
import { isImageFileName } from '../../../../common/files/imageFiles';
import { baseName, fileExtension, parentPath } from '../../../../common/files/paths';

describe('paths', () => {
  it('splits either separator and ignores a trailing one', () => {
    expect(baseName('/a/b/Net.modellab/')).toBe('Net.modellab');
    expect(parentPath('/a/b/Net.modellab/')).toBe('/a/b');
    expect(baseName('C:\\data\\net.h5')).toBe('net.h5');
    expect(parentPath('C:\\data\\net.h5')).toBe('C:\\data');
    expect(parentPath('/Net')).toBe('/');
    expect(baseName('cat/001.png')).toBe('001.png');
  });

  it('reads extensions as Node does: lower case, none for a hidden name', () => {
    expect(['a.PNG', 'dir/x.tar.gz', '.png', '..png', 'a.', 'a'].map(fileExtension)).toEqual(['png', 'gz', '', 'png', '', '']);
  });
});

describe('file kinds', () => {
  it('knows image files by extension in any case', () => {
    expect(['a.png', 'b.JPEG', 'c.tiff', 'd.webp', 'e.txt', '.png'].map(isImageFileName)).toEqual([true, true, true, true, false, false]);
  });

  it('knows the IDX and CIFAR-10 file names, and the prefix an IDX images file shares with its labels', () => {
    expect(['train-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte', 'images.txt'].map((name) => IDX_FILE_NAME.test(name))).toEqual([true, true, false]);
    expect(IDX_IMAGES_FILE_NAME.exec('train-images-idx3-ubyte.gz')?.slice(1)).toEqual(['train-', '.gz']);
    expect(IDX_IMAGES_FILE_NAME.test('t10k-labels-idx1-ubyte')).toBe(false);
    expect(['data_batch_3.bin', 'test_batch.bin', 'batches.meta.txt', 'data_batch.bin'].map(isCifarFileName)).toEqual([true, true, true, false]);
    expect(CIFAR_TRAIN_BATCH.test('test_batch.bin')).toBe(false);
  });
});

describe('file names', () => {
  it('refuses control characters, the characters Windows forbids and device names', () => {
    expect(['a:b', 'a?b', 'a\u0001b', 'ok name'].map((name) => FORBIDDEN_NAME_CHARACTERS.test(name))).toEqual([true, true, true, false]);
    expect(['CON', 'nul.txt', 'com1', 'console'].map((name) => WINDOWS_DEVICE_NAME.test(name))).toEqual([true, true, true, false]);
  });

  it('makes a name the main side accepts', () => {
    const made = safeFileName('my:data/set?. ', 120, 'drop');
    expect(made).toBe('my_data_set_');
    expect(FORBIDDEN_NAME_CHARACTERS.test(made)).toBe(false);
    expect(safeFileName('...', 120, 'drop')).toBe('drop');
    expect(safeFileName('x'.repeat(200), 120, 'drop')).toHaveLength(120);
  });
});
