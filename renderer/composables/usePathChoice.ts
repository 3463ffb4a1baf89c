import { ref, type Ref } from 'vue';
import type { DialogPurpose } from '../../common/api/methods/dialogs';
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
 * Chooses a path with the native dialog, or, in browser mode (where the dialog methods
 * answer `unsupported`), with the in-page picker: `request` is then set, the view renders
 * `PathPicker` for it and calls `settle` with its answer.
 */
export function usePathChoice(): { request: Ref<PickerRequest | null>; choose: (request: PickerRequest) => Promise<string | null>; settle: (path: string | null) => void } {
  const request = ref<PickerRequest | null>(null);
  let resolvePending: ((path: string | null) => void) | null = null;

  async function choose(next: PickerRequest): Promise<string | null> {
    const purpose = next.purpose ?? (next.mode === 'folder' ? 'dataset-folder' : next.mode === 'save' ? 'export' : 'any');
    const filters = next.extensions ? [{ name: 'Files', extensions: next.extensions }] : undefined;
    const answer =
      next.mode === 'save'
        ? await labClient.showSaveDialog({ purpose, title: next.title, defaultPath: next.defaultName, filters })
        : await labClient.showOpenDialog({ purpose, title: next.title, directory: next.mode === 'folder', multiple: false, filters });
    if (answer.status === 'cancelled') return null;
    if (answer.status === 'selected') return 'path' in answer ? answer.path : (answer.paths[0] ?? null);
    request.value = next;
    return new Promise((resolve) => {
      resolvePending = resolve;
    });
  }

  function settle(path: string | null): void {
    request.value = null;
    resolvePending?.(path);
    resolvePending = null;
  }

  return { request, choose, settle };
}
