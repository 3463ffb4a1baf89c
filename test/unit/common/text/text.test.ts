import { describe, expect, it } from 'vitest';
import { plural } from '../../../../common/text/plural';
import { classLabel } from '../../../../common/text/classLabel';

describe('plural', () => {
  it('puts the noun in the number of the count', () => {
    expect(plural(1, 'epoch')).toBe('1 epoch');
    expect(plural(0, 'epoch')).toBe('0 epochs');
    expect(plural(2, 'complete epoch')).toBe('2 complete epochs');
    expect(plural(1, 'class', 'classes')).toBe('1 class');
    expect(plural(3, 'class', 'classes')).toBe('3 classes');
  });
});

describe('classLabel', () => {
  it('names a class once when its name is its label, and both otherwise', () => {
    expect(classLabel(0, '0')).toBe('0');
    expect(classLabel(9, '9')).toBe('9');
    expect(classLabel(0, 'T-shirt/top')).toBe('0 T-shirt/top');
    expect(classLabel(3, '7')).toBe('3 7');
    expect(classLabel(4, undefined)).toBe('4');
  });
});
