import { describe, expect, it } from 'vitest';
import { assignSplits, countPerClass } from '../../../../main/data/split';

const labels = Array.from({ length: 300 }, (_, i) => (i < 200 ? i % 2 : 2));

describe('assignSplits', () => {
  it('gives the same split for the same seed and another for another seed', () => {
    const given = new Array(labels.length).fill(undefined);
    const a = assignSplits(labels, 3, given, { validation: 0.1, test: 0.2, seed: 42 });
    const b = assignSplits(labels, 3, given, { validation: 0.1, test: 0.2, seed: 42 });
    const c = assignSplits(labels, 3, given, { validation: 0.1, test: 0.2, seed: 43 });
    expect(a).toEqual(b);
    expect(a.validation).not.toEqual(c.validation);
  });

  it('is stratified: each class keeps its share in every split', () => {
    const split = assignSplits(labels, 3, [], { validation: 0.1, test: 0.2, seed: 1 });
    const counts = countPerClass(labels, 3, split);
    expect(counts.test).toEqual([20, 20, 20]);
    expect(counts.validation).toEqual([10, 10, 10]);
    expect(counts.train).toEqual([70, 70, 70]);
    const all = [...split.train, ...split.validation, ...split.test].sort((x, y) => x - y);
    expect(all).toEqual(labels.map((_, i) => i));
  });

  it('keeps given splits and carves only the missing ones', () => {
    const given = labels.map((_, i) => (i >= 250 ? ('test' as const) : undefined));
    const split = assignSplits(labels, 3, given, { validation: 0.2, test: 0.5, seed: 1 });
    expect(split.test).toEqual(labels.map((_, i) => i).filter((i) => i >= 250));
    expect(split.validation.length).toBe(50);
  });

  it('rejects fractions that leave nothing to train on', () => {
    expect(() => assignSplits(labels, 3, [], { validation: 0.5, test: 0.5, seed: 1 })).toThrow(expect.objectContaining({ code: 'API_BAD_INPUT' }));
  });
});
