import type { LabHandlers } from '../../common/api/labApi';
import { initBackend, parseBackendName, type Tfjs } from '../engine/backend';
import { runDirOf } from '../project/runRepository';
import { buildTransferGraph } from '../transfer/transferGraph';
import { loadTransferSourceGraph } from '../transfer/transferSource';
import type { LabContext } from './labContext';
import { resolveAllowedPath } from './paths';
import { runsRootFor } from './runHandlers';

type TransferMethodName = 'createTransferGraph';

/** LabApi handlers of transfer learning: a new model built on a trained run's or file's layers. */
export function createTransferHandlers(context: LabContext): Pick<LabHandlers, TransferMethodName> {
  let backend: Promise<Tfjs> | undefined;
  const tfOnce = (): Promise<Tfjs> => {
    backend ??= initBackend({ preference: parseBackendName(context.options.backend) }).then((r) => r.tf);
    return backend;
  };

  return {
    async createTransferGraph(input) {
      const sourceGraph = await loadTransferSourceGraph(input.source, {
        runDir: async (projectDir, runId) => runDirOf(await runsRootFor(context, projectDir), runId),
        modelPath: (requested) => resolveAllowedPath(context, requested),
        tf: tfOnce,
      });
      return buildTransferGraph(sourceGraph, { cutAt: input.cutAt, classes: input.classes, freeze: input.freeze, headDropout: input.headDropout });
    },
  };
}
