import { onBeforeUnmount, watch } from 'vue';
import { useGraphStore } from '../stores/graphStore';
import { useProjectStore } from '../stores/projectStore';
import { useTrainingStore } from '../stores/trainingStore';

/**
 * Wires the project's autosave (projectStore) to the window: a graph edit or a change of
 * the Train form's hyperparameters schedules one, and an autosave still waiting when the
 * tab goes away (reload, close) is sent at once, so the last edit is not lost.
 */
export function useAutosave(): void {
  const graphStore = useGraphStore();
  const training = useTrainingStore();
  const projects = useProjectStore();
  watch(() => graphStore.revision, () => projects.graphEdited());
  watch(() => JSON.stringify(training.form), () => projects.settingsEdited());
  const flush = (): void => void projects.flushAutosave();
  window.addEventListener('pagehide', flush);
  onBeforeUnmount(() => window.removeEventListener('pagehide', flush));
}
