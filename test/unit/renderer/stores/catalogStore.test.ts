// @vitest-environment jsdom
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { LAYER_CATALOG } from '../../../../common/catalog';
import { useCatalogStore } from '../../../../renderer/stores/catalogStore';

describe('catalogStore', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('lists every catalog layer exactly once, grouped in palette order', () => {
    const catalog = useCatalogStore();
    const listed = catalog.groups.flatMap((group) => group.specs.map((spec) => spec.type));
    expect(listed.sort()).toEqual(LAYER_CATALOG.map((spec) => spec.type).sort());
    expect(catalog.groups[0]?.label).toBe('Input');
    expect(catalog.groups.map((group) => group.label)).toContain('Convolution');
  });

  it('searches type, family and summary words', () => {
    const catalog = useCatalogStore();
    const conv = catalog.search('conv2d').flatMap((group) => group.specs.map((spec) => spec.type));
    expect(conv).toContain('Conv2D');
    expect(conv).not.toContain('Dense');
    expect(catalog.search('pooling').every((group) => group.specs.length > 0)).toBe(true);
    expect(catalog.search('no-such-layer-xyz')).toEqual([]);
    expect(catalog.specFor('Dense')?.family).toBe('core');
  });
});
