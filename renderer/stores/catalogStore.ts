import { defineStore } from 'pinia';
import { markRaw } from 'vue';
import { LAYER_CATALOG, findLayerSpec } from '../../common/catalog';
import { LAYER_FAMILIES, type AnyLayerSpec, type LayerFamily } from '../../common/catalog/types';

/** Palette headings of the layer families. */
export const FAMILY_LABELS: Record<LayerFamily, string> = {
  input: 'Input',
  convolutional: 'Convolution',
  pooling: 'Pooling',
  core: 'Core',
  normalization: 'Normalization',
  regularization: 'Regularization',
  activation: 'Activation',
  merge: 'Merge',
};

/** One palette section: a family and its layers. */
export interface PaletteGroup {
  family: LayerFamily;
  label: string;
  specs: AnyLayerSpec[];
}

/** Every spec in the palette's order: by family, then as the catalog lists them. */
function groupSpecs(specs: readonly AnyLayerSpec[]): PaletteGroup[] {
  return LAYER_FAMILIES.map((family) => ({ family, label: FAMILY_LABELS[family], specs: specs.filter((spec) => spec.family === family) })).filter((group) => group.specs.length > 0);
}

/** True when every word of `query` occurs in the spec's type, family or summary. */
export function specMatches(spec: AnyLayerSpec, query: string): boolean {
  const haystack = `${spec.type} ${FAMILY_LABELS[spec.family]} ${spec.summary}`.toLowerCase();
  return query
    .toLowerCase()
    .split(/\s+/)
    .filter((word) => word.length > 0)
    .every((word) => haystack.includes(word));
}

/**
 * The layer catalog, read-only: the palette's groups and spec lookup. Specs hold zod
 * schemas and functions, so they are kept raw (never made reactive).
 */
export const useCatalogStore = defineStore('catalog', () => {
  const specs: readonly AnyLayerSpec[] = markRaw([...LAYER_CATALOG]);
  const groups: readonly PaletteGroup[] = markRaw(groupSpecs(specs));

  /** The palette groups filtered by a search query (all of them for an empty query). */
  function search(query: string): PaletteGroup[] {
    if (query.trim().length === 0) return [...groups];
    return groupSpecs(specs.filter((spec) => specMatches(spec, query)));
  }

  /** The spec of a layer type, or undefined for a type the catalog lacks. */
  function specFor(type: string): AnyLayerSpec | undefined {
    return findLayerSpec(type);
  }

  return { specs, groups, search, specFor };
});
