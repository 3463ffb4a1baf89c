import { describe, expect, it } from 'vitest';
import { LabError } from '../../../../common/errors';
import { writeError } from '../../../../main/formats/fileErrors';

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: failed`), { code });
}

describe('writeError', () => {
  it.each([
    ['EACCES', 'IO_PERMISSION'],
    ['EPERM', 'IO_PERMISSION'],
    ['EROFS', 'IO_PERMISSION'],
    ['ENOSPC', 'IO_DISK_FULL'],
    ['EDQUOT', 'IO_DISK_FULL'],
    ['ENOTDIR', 'IO_WRITE_FAILED'],
  ])('%s becomes %s naming the path', (code, expected) => {
    const error = writeError(errno(code), '/out/model.onnx');
    expect(error.code).toBe(expected);
    expect(error.details?.path).toBe('/out/model.onnx');
    expect(error.message).toContain('Received: path="/out/model.onnx"');
  });

  it('keeps a LabError as it is', () => {
    const original = new LabError('EXPORT_UNSUPPORTED_LAYER', 'no');
    expect(writeError(original, '/x')).toBe(original);
  });
});
