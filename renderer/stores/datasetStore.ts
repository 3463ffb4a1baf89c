import { defineStore } from 'pinia';
import type { InputAdapter } from '../../common/data/inputFit';
import { computed, ref, shallowRef } from 'vue';
import type { LabEvent } from '../../common/api/events';
import type { BuiltinDataset, DatasetInfo, DatasetStats, ImportOptions, ImportReport, SampleGrid } from '../../common/api/methods/datasets';
import { augmentationSchema, type AugmentationOptions } from '../../common/data/augmentation';
import { labClient } from '../api/labClient';

/** Progress of the running import, as the progress bar shows it. */
export interface ImportProgress {
  importId: string;
  label: string;
  phase: 'scan' | 'download' | 'decode' | 'write';
  done: number;
  total: number;
  etaSeconds: number | null;
}

/** What the Data view imports from. */
export type ImportSourceKind = 'auto' | 'folder' | 'idx' | 'cifar10';

let importCounter = 0;
function nextImportId(): string {
  importCounter += 1;
  return `import-${Date.now().toString(36)}-${importCounter}`;
}

/**
 * Datasets of the lab: the list, the selected one with its statistics and sample grid,
 * the running import with its progress, the last import report, and the augmentation
 * settings with their preview.
 */
export const useDatasetStore = defineStore('dataset', () => {
  const datasets = ref<DatasetInfo[]>([]);
  const builtins = ref<BuiltinDataset[]>([]);
  const activeId = ref<string | null>(null);
  const stats = shallowRef<DatasetStats | null>(null);
  const grid = shallowRef<SampleGrid | null>(null);
  const importing = ref<ImportProgress | null>(null);
  const lastReport = ref<{ name: string; report: ImportReport } | null>(null);
  const importError = ref<string | null>(null);
  const augmentation = ref<AugmentationOptions>(augmentationSchema.parse({}));
  const previewRecord = ref<number | null>(null);
  const preview = shallowRef<{ original: string; images: string[] } | null>(null);
  const previewSeed = ref(0);
  const loading = ref(false);

  const active = computed(() => datasets.value.find((dataset) => dataset.id === activeId.value) ?? null);

  /** Reloads the dataset list (and the built-ins the first time). */
  async function refresh(): Promise<void> {
    datasets.value = await labClient.listDatasets({});
    if (builtins.value.length === 0) builtins.value = await labClient.listBuiltinDatasets({});
    if (activeId.value && !datasets.value.some((dataset) => dataset.id === activeId.value)) activeId.value = null;
  }

  /** Selects a dataset and loads its statistics and sample grid. */
  async function select(id: string): Promise<void> {
    activeId.value = id;
    loading.value = true;
    try {
      const [nextStats, nextGrid] = await Promise.all([labClient.getDatasetStats({ id }), labClient.getSampleGrid({ id, perClass: 8, minSize: 56 })]);
      if (activeId.value !== id) return;
      stats.value = nextStats;
      grid.value = nextGrid;
      previewRecord.value = nextGrid.classes.find((entry) => entry.records.length > 0)?.records[0] ?? null;
      preview.value = null;
    } finally {
      loading.value = false;
    }
  }

  async function runImport(label: string, call: (importId: string) => Promise<{ info: DatasetInfo; report: ImportReport }>): Promise<DatasetInfo | null> {
    const importId = nextImportId();
    importError.value = null;
    lastReport.value = null;
    importing.value = { importId, label, phase: 'scan', done: 0, total: 0, etaSeconds: null };
    try {
      const { info, report } = await call(importId);
      await refresh();
      await select(info.id);
      lastReport.value = { name: info.name, report };
      return info;
    } catch (error) {
      importError.value = (error as Error).message;
      return null;
    } finally {
      importing.value = null;
    }
  }

  /** Imports an image folder, IDX files or CIFAR-10 batches from `path`. */
  function importPath(path: string, kind: ImportSourceKind = 'auto', options: Partial<ImportOptions> = {}): Promise<DatasetInfo | null> {
    return runImport(path, (importId) => labClient.importDataset({ path, kind, importId, options }));
  }

  /** Locates or downloads a built-in dataset and imports it. */
  function importBuiltin(id: BuiltinDataset['id']): Promise<DatasetInfo | null> {
    const name = builtins.value.find((entry) => entry.id === id)?.name ?? id;
    return runImport(name, (importId) => labClient.downloadBuiltinDataset({ id, importId }));
  }

  /**
   * The resize / channel adapter: a copy of dataset `id` at the model's size and colour mode
   * (three channels from grayscale), every image keeping its label and split; it becomes the
   * chosen dataset.
   */
  function adapt(id: string, adapter: InputAdapter): Promise<DatasetInfo | null> {
    const name = datasets.value.find((entry) => entry.id === id)?.name ?? id;
    return runImport(`${name} at ${adapter.targetSize.join('×')} ${adapter.colorMode}`, (importId) => labClient.adaptDataset({ id, importId, ...adapter }));
  }

  /** Cancels the running import; it then ends with an error the view shows. */
  async function cancelImport(): Promise<void> {
    if (importing.value) await labClient.cancelImport({ importId: importing.value.importId });
  }

  /**
   * Renames the classes of the selected dataset (one name per label, in order); the list,
   * statistics and samples show the new names. Failures reach the caller.
   */
  async function renameClasses(classes: string[]): Promise<void> {
    const id = activeId.value;
    if (!id) return;
    const renamed = await labClient.renameClasses({ id, classes });
    datasets.value = datasets.value.map((dataset) => (dataset.id === id ? renamed : dataset));
    if (activeId.value === id) await select(id);
  }

  /** Deletes a dataset cache. */
  async function remove(id: string): Promise<void> {
    await labClient.deleteDataset({ id });
    if (activeId.value === id) {
      activeId.value = null;
      stats.value = null;
      grid.value = null;
    }
    await refresh();
  }

  /** Augmented variants of the chosen image with the current settings; `reseed` draws new ones. */
  async function loadPreview(reseed = false): Promise<void> {
    const id = activeId.value;
    const record = previewRecord.value;
    if (!id || record === null) return;
    if (reseed) previewSeed.value += 1;
    const parsed = augmentationSchema.safeParse(augmentation.value);
    if (!parsed.success) return;
    preview.value = await labClient.previewAugmentation({ id, record, count: 8, augmentation: parsed.data, seed: previewSeed.value, minSize: 72 });
  }

  /** Applies a dataset.progress event of the running import. */
  function handleEvent(event: LabEvent): void {
    if (event.type !== 'dataset.progress' || importing.value?.importId !== event.importId) return;
    importing.value = { ...importing.value, phase: event.phase, done: event.done, total: event.total, etaSeconds: event.etaSeconds };
  }

  labClient.onEvent(handleEvent);

  return {
    datasets, builtins, activeId, active, stats, grid, importing, lastReport, importError, augmentation, previewRecord, preview, previewSeed, loading,
    refresh, select, importPath, importBuiltin, adapt, cancelImport, renameClasses, remove, loadPreview, handleEvent,
  };
});
