import type { LabHandlers } from '../../common/api/labApi';
import { LabError } from '../../common/errors';
import { initBackend, parseBackendName, type Tfjs } from '../engine/backend';
import { readRunSpec, runDirOf } from '../project/runRepository';
import { EXPORT_FORMATS, exportModelFiles } from '../formats/exportModel';
import { graphSource, runSource, type ExportSource } from '../formats/exportSource';
import { importModelFile } from '../formats/importModel';
import type { LabContext } from './labContext';
import { resolveAllowedPath } from './paths';
import { checkedRunSpec, runsRootFor } from './runHandlers';

type ModelMethodName = 'listExportFormats' | 'exportModel' | 'importModel';

/**
 * LabApi handlers of model files: export a run's checkpoint (or a fresh model of a graph)
 * to TF.js, Keras .h5/.keras, ONNX or a Keras training script, verified by reloading; and
 * import Keras and TF.js files into a graph. Export progress goes out as `export.progress`.
 */
export function createModelHandlers(context: LabContext): Pick<LabHandlers, ModelMethodName> {
  let backend: Promise<Tfjs> | undefined;
  const tfOnce = (): Promise<Tfjs> => {
    backend ??= initBackend({ preference: parseBackendName(context.options.backend) }).then((r) => r.tf);
    return backend;
  };

  return {
    listExportFormats: async () => EXPORT_FORMATS.map((format) => ({ ...format })),

    async exportModel(input) {
      if ((input.runId === undefined) === (input.graph === undefined)) {
        throw new LabError('API_BAD_INPUT', `Expected exactly one of runId or graph as the export source. Received: runId=${JSON.stringify(input.runId ?? null)}, graph=${input.graph === undefined ? 'none' : 'given'}`, { field: 'runId' });
      }
      const outPath = await resolveAllowedPath(context, input.outPath);
      const tf = await tfOnce();
      let source: ExportSource;
      if (input.runId !== undefined) {
        const runDir = runDirOf(await runsRootFor(context, input.projectDir), input.runId);
        // The run's dataset (held-out images for the verification) is read from the path run.json keeps: checked first.
        source = await runSource(runDir, input.checkpoint, tf, await checkedRunSpec(context, await readRunSpec(runDir)));
      } else {
        source = graphSource(input.graph as NonNullable<typeof input.graph>, tf, input.seed);
      }
      try {
        return await exportModelFiles(source, { format: input.format, outPath, samples: input.verifySamples, onProgress: (event) => context.emit(event) });
      } finally {
        source.model.dispose();
      }
    },

    async importModel({ path: requested }) {
      const filePath = await resolveAllowedPath(context, requested);
      const imported = await importModelFile(filePath, await tfOnce());
      return { format: imported.format, graph: imported.graph, hasWeights: imported.weights.length > 0, modelCard: imported.modelCard };
    },
  };
}
