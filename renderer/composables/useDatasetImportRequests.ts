import { shallowRef, watch, type Ref } from 'vue';
import type { ImportSourceKind } from '../stores/datasetStore';

/** What imports a dataset path: the Data view's import panel (`ImportPanel.importSource`). */
export interface DatasetImporter {
  importSource(path: string, kind: ImportSourceKind): Promise<void>;
}

interface PendingImport {
  path: string;
  kind: ImportSourceKind;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** The import asked for from outside the Data view, until the view's import panel takes it. */
const pending = shallowRef<PendingImport | null>(null);

/**
 * Asks the Data view to import `path` with its import panel's options (image size, colour,
 * held-out splits), as a folder dropped on the view would be. The view may not exist yet
 * (it loads on first visit): the request waits for it. Resolves when the import finished,
 * rejects with its error; a newer request replaces one not yet taken.
 */
export function requestDatasetImport(path: string, kind: ImportSourceKind): Promise<void> {
  pending.value?.reject(new Error(`Expected one dataset import at a time. Received: path=${JSON.stringify(path)} while ${JSON.stringify(pending.value.path)} waited`));
  return new Promise((resolve, reject) => {
    pending.value = { path, kind, resolve, reject };
  });
}

/** The Data view's side: hands each requested import to `importer` once it is mounted. */
export function useDatasetImportRequests(importer: Ref<DatasetImporter | null>): void {
  watch(
    [pending, importer],
    ([request, panel]) => {
      if (!request || !panel) return;
      pending.value = null;
      panel.importSource(request.path, request.kind).then(request.resolve, request.reject);
    },
    { immediate: true },
  );
}
