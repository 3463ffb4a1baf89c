import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { DialogPurpose, ListDirectoryOutput } from '../../common/api/methods/dialogs';
import { labClient } from '../api/labClient';

/** What the in-page picker is asked for when the desktop dialog is unavailable. */
export interface PickerRequest {
  mode: 'folder' | 'file' | 'save';
  title: string;
  extensions?: string[];
  defaultName?: string;
  /** What the native dialog is for (its default filters and title); by default from `mode`. */
  purpose?: DialogPurpose;
}

/**
 * The app's dialogs: choosing a path (the native dialog on the desktop; in browser mode,
 * where the dialog methods answer `unsupported`, the one in-page picker the shell renders
 * for `pathRequest`), the picker's folder listings, and whether About is shown.
 */
export const useDialogsStore = defineStore('dialogs', () => {
  const pathRequest = ref<PickerRequest | null>(null);
  /** Increases with each in-page request, so the picker starts afresh for a new one. */
  const pathRequestCount = ref(0);
  const aboutOpen = ref(false);
  let resolvePending: ((path: string | null) => void) | null = null;

  /** The picker's answer: a path, or null when cancelled. */
  function settlePath(path: string | null): void {
    pathRequest.value = null;
    const resolve = resolvePending;
    resolvePending = null;
    resolve?.(path);
  }

  /** Chooses a path; null when cancelled. A choice started while the picker waits cancels the earlier one. */
  async function choosePath(next: PickerRequest): Promise<string | null> {
    if (pathRequest.value) settlePath(null);
    const purpose = next.purpose ?? (next.mode === 'folder' ? 'dataset-folder' : next.mode === 'save' ? 'export' : 'any');
    const filters = next.extensions ? [{ name: 'Files', extensions: next.extensions }] : undefined;
    const answer =
      next.mode === 'save'
        ? await labClient.showSaveDialog({ purpose, title: next.title, defaultPath: next.defaultName, filters })
        : await labClient.showOpenDialog({ purpose, title: next.title, directory: next.mode === 'folder', multiple: false, filters });
    if (answer.status === 'cancelled') return null;
    if (answer.status === 'selected') return 'path' in answer ? answer.path : (answer.paths[0] ?? null);
    pathRequest.value = next;
    pathRequestCount.value += 1;
    return new Promise((resolve) => {
      resolvePending = resolve;
    });
  }

  /** A folder's entries for the in-page picker (the allowed roots when `path` is omitted). */
  function listDirectory(path?: string, extensions?: string[]): Promise<ListDirectoryOutput> {
    return labClient.listDirectory({ path, extensions });
  }

  return { pathRequest, pathRequestCount, aboutOpen, settlePath, choosePath, listDirectory };
});
