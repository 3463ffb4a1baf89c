import { LabError } from '../../../common/errors';
import type { ModelGraph } from '../../../common/graph/schema';
import type { DatasetInfo } from '../../../common/api/methods/datasets';
import { analyzeGraph } from '../../../common/graph/analysis';
import { adapterLabel, inputMismatch } from '../../../common/data/inputFit';

/**
 * Checks before a run starts that the graph compiles, takes the dataset's images (an
 * (H, W) input takes H×W×1 images, see `inputTakesImages`) and
 * has one output unit per class (or a single sigmoid unit for two classes), so a
 * mismatch is reported at once with the layer and the numbers instead of failing in
 * the training process at its first batch.
 *
 * @throws LabError `GRAPH_INVALID` when the graph has errors, `TRAIN_BAD_CONFIG` when it does not fit the dataset.
 */
export function checkGraphFitsDataset(graph: ModelGraph, info: Pick<DatasetInfo, 'imageShape' | 'classes' | 'name'>): void {
  const analysis = analyzeGraph(graph);
  if (!analysis.valid) {
    const first = analysis.problems.find((p) => p.severity === 'error');
    throw new LabError('GRAPH_INVALID', `Expected a graph without errors. Received: ${first?.message ?? 'an invalid graph'}`, { field: 'graph', issues: analysis.problems.filter((p) => p.severity === 'error') });
  }
  if (analysis.inputs.length !== 1 || analysis.outputs.length !== 1) {
    throw new LabError('TRAIN_BAD_CONFIG', `Expected a model with one input and one output for image classification. Received: inputs=${analysis.inputs.length}, outputs=${analysis.outputs.length}`, { field: 'graph' });
  }
  const nameOf = (id: string): string => graph.nodes.find((n) => n.id === id)?.name ?? id;
  const inputId = analysis.inputs[0] as string;
  const inputShape = (analysis.shapes[inputId] ?? []).slice(1);
  const mismatch = inputMismatch(inputShape, info, graph.metadata.inputPreprocessing);
  if (mismatch !== null) {
    // The adapter is `adaptDataset` (Data view, or `model-lab data adapt`); details carry its arguments.
    const how = mismatch.adapter ? ` (Data and Train views: "${adapterLabel(mismatch.adapter)}"; CLI: model-lab data adapt <dataset> --size ${mismatch.adapter.targetSize.join('x')} --mode ${mismatch.adapter.colorMode})` : '';
    throw new LabError('TRAIN_BAD_CONFIG', `Expected input layer ${nameOf(inputId)} to take the images of ${info.name} (${info.imageShape.join('x')}). ${mismatch.message}${how} Received: shape=${JSON.stringify(inputShape)}`, {
      field: 'graph', nodeId: inputId, nodeName: nameOf(inputId), received: inputShape, ...(mismatch.adapter ? { adapter: mismatch.adapter } : {}),
    });
  }
  const outputId = analysis.outputs[0] as string;
  const outputShape = (analysis.shapes[outputId] ?? []).slice(1);
  const units = outputShape.at(-1);
  const classes = info.classes.length;
  if (outputShape.length !== 1 || !(units === classes || (units === 1 && classes === 2))) {
    throw new LabError('TRAIN_BAD_CONFIG', `Expected output layer ${nameOf(outputId)} to have ${classes} units, one per class of ${info.name}. Received: shape=${JSON.stringify(outputShape)}`, { field: 'graph', nodeId: outputId, nodeName: nameOf(outputId), received: outputShape });
  }
}
