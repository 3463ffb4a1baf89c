import { labClient } from '../api/labClient';
import { useGraphStore } from '../stores/graphStore';
import { useUiStore } from '../stores/uiStore';

/**
 * Reads a model file the lab can reach (Keras .h5 / .keras, a model.to_json() file, a
 * TF.js model.json with its shards) with `importModel` and puts its graph on the canvas
 * as one undoable step, laid out like a template once the nodes are measured. `label`
 * names the file in the undo history and the notice.
 */
export async function importModelFile(path: string, label: string): Promise<void> {
  const graphStore = useGraphStore();
  const ui = useUiStore();
  const imported = await labClient.importModel({ path });
  // The layout that follows, once nodes are measured, joins this undo step.
  const coalesceKey = `import:${label}:${Date.now()}`;
  graphStore.replaceGraph(imported.graph, `import ${label}`, coalesceKey);
  ui.clearSelection();
  ui.requestLayout(coalesceKey);
  ui.showNotice(`Opened ${label} (${imported.format}${imported.hasWeights ? ', with weights' : ', architecture only'})`);
}
