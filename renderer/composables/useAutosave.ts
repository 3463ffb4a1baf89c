import { onBeforeUnmount, ref, watch, type Ref } from 'vue';
import { parseModelGraphJson, type ModelGraph } from '../../common/graph/schema';
import { labClient } from '../api/labClient';
import { useGraphStore } from '../stores/graphStore';

/** localStorage key of the draft kept between sessions. */
export const DRAFT_STORAGE_KEY = 'model-lab:graph-draft';
/** Quiet time after the last edit before saving. */
const AUTOSAVE_DELAY_MS = 1500;

/** Where the last autosave went. */
export type AutosaveState = { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved'; target: 'project' | 'draft'; at: Date } | { kind: 'failed'; message: string };

/** The draft graph kept in localStorage, or null when there is none or it no longer parses. */
export function readDraft(storage: Pick<Storage, 'getItem'> = localStorage): ModelGraph | null {
  const text = storage.getItem(DRAFT_STORAGE_KEY);
  if (!text) return null;
  try {
    return parseModelGraphJson(text);
  } catch {
    return null;
  }
}

/**
 * Saves the graph a moment after each edit: into the open project through
 * `labClient.saveProject({ autosave: true })` when `graphStore.projectDir` is set, and
 * always as a localStorage draft, so a reload (or a crash) loses nothing.
 */
export function useAutosave(): { state: Ref<AutosaveState> } {
  const graphStore = useGraphStore();
  const state = ref<AutosaveState>({ kind: 'idle' });
  let timer: ReturnType<typeof setTimeout> | undefined;

  async function save(): Promise<void> {
    const graph = graphStore.graph;
    state.value = { kind: 'saving' };
    try {
      localStorage.setItem(DRAFT_STORAGE_KEY, JSON.stringify(graph));
      const dir = graphStore.projectDir;
      if (dir) {
        await labClient.saveProject({ dir, graph, autosave: true });
        state.value = { kind: 'saved', target: 'project', at: new Date() };
      } else {
        state.value = { kind: 'saved', target: 'draft', at: new Date() };
      }
    } catch (error) {
      state.value = { kind: 'failed', message: (error as Error).message };
    }
  }

  watch(
    () => graphStore.revision,
    () => {
      clearTimeout(timer);
      timer = setTimeout(() => void save(), AUTOSAVE_DELAY_MS);
    },
  );
  onBeforeUnmount(() => clearTimeout(timer));
  return { state };
}
