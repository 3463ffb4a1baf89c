import { ref, type Ref } from 'vue';
import { labClient } from '../api/labClient';
import type { DropPlan } from '../files/dropKinds';
import { readDrop, type DropContents } from '../files/readDrop';
import { stageDrop, type StagedDrop, type UploadProgress } from '../files/stageDrop';

/** What a view does with drops. */
export interface FileDropOptions {
  /** Judges the drop before anything is uploaded: a plan, or a message naming what is wrong. */
  plan(contents: DropContents): DropPlan;
  /** Uses the staged drop (imports, predicts, opens); a thrown error's message is shown. */
  use(staged: StagedDrop, plan: Exclude<DropPlan, { ok: false }>, contents: DropContents): Promise<void>;
  /** The open project, whose uploads/ folder receives browser-mode drops. */
  projectDir?: () => string | null | undefined;
  /** False while the view cannot take a drop (an import is running). */
  enabled?: () => boolean;
}

/** State and listeners of a drop target. */
export interface FileDrop {
  /** True while files are dragged over the target. */
  dragging: Ref<boolean>;
  /** Set while a browser-mode drop uploads. */
  progress: Ref<UploadProgress | null>;
  /** What the drop is being used for, while it is ("Importing flowers"). */
  working: Ref<string | null>;
  /** Why the last drop was refused or failed. */
  error: Ref<string | null>;
  onDragEnter(event: DragEvent): void;
  onDragOver(event: DragEvent): void;
  onDragLeave(event: DragEvent): void;
  onDrop(event: DragEvent): Promise<void>;
}

/** True when the drag carries files (not text or a link dragged from the page). */
function carriesFiles(event: DragEvent): boolean {
  return Array.from(event.dataTransfer?.types ?? []).includes('Files');
}

let windowGuarded = false;

/**
 * Outside every drop target, a browser's default for a dropped file is to navigate the
 * page to it, which would close the app; files dragged there are refused instead.
 */
function guardWindow(): void {
  if (windowGuarded) return;
  windowGuarded = true;
  const refuse = (event: DragEvent): void => {
    if (event.defaultPrevented || !carriesFiles(event)) return;
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'none';
  };
  window.addEventListener('dragover', refuse);
  window.addEventListener('drop', refuse);
}

/**
 * A drop target for files and folders: reads the drop (folders walked recursively), lets
 * the view judge it, gives the files paths the lab can read (their real paths in the
 * desktop shell, an upload into the project in browser mode) and hands them to the view.
 * Bind the four listeners on the target element.
 */
export function useFileDrop(options: FileDropOptions): FileDrop {
  guardWindow();
  const dragging = ref(false);
  const progress = ref<UploadProgress | null>(null);
  const working = ref<string | null>(null);
  const error = ref<string | null>(null);
  // dragenter/dragleave fire for every child crossed; the target is left when they balance.
  let depth = 0;

  const enabled = (): boolean => working.value === null && (options.enabled?.() ?? true);

  function onDragEnter(event: DragEvent): void {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    depth += 1;
    dragging.value = true;
  }

  function onDragOver(event: DragEvent): void {
    if (!carriesFiles(event)) return;
    // Without preventDefault the browser refuses the drop (or opens the file in the window).
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = enabled() ? 'copy' : 'none';
    dragging.value = true;
  }

  function onDragLeave(event: DragEvent): void {
    if (!carriesFiles(event)) return;
    depth = Math.max(0, depth - 1);
    if (depth === 0) dragging.value = false;
  }

  async function onDrop(event: DragEvent): Promise<void> {
    if (!carriesFiles(event) || !event.dataTransfer) return;
    event.preventDefault();
    depth = 0;
    dragging.value = false;
    if (!enabled()) {
      error.value = 'Expected the running import, upload or prediction to finish first: drop again when it ends.';
      return;
    }
    // Read before any await: the DataTransfer empties once the event is handled.
    const reading = readDrop(event.dataTransfer);
    error.value = null;
    working.value = 'Reading the drop';
    try {
      const contents = await reading;
      const plan = options.plan(contents);
      if (!plan.ok) {
        error.value = plan.message;
        return;
      }
      working.value = `Uploading ${plan.label}`;
      const staged = await stageDrop(contents, {
        client: labClient,
        bridge: window.labFiles,
        projectDir: options.projectDir?.() ?? undefined,
        onProgress: (next) => (progress.value = next),
      });
      progress.value = null;
      working.value = plan.kind === 'model' ? `Opening ${plan.label}` : plan.kind === 'images' ? `Classifying ${plan.label}` : `Importing ${plan.label}`;
      await options.use(staged, plan, contents);
    } catch (failure) {
      error.value = (failure as Error).message;
    } finally {
      progress.value = null;
      working.value = null;
    }
  }

  return { dragging, progress, working, error, onDragEnter, onDragOver, onDragLeave, onDrop };
}
