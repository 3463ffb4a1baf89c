import path from 'node:path';
import type { LabHandlers } from '../../common/api/labApi';
import { initBackend, parseBackendName, type Tfjs } from '../engine/backend';
import { runDirOf } from '../project/runRepository';
import { buildTransferGraph } from '../transfer/transferGraph';
import { loadTransferSourceGraph } from '../transfer/transferSource';
import { applyPlan, inspectApplicationWeights, weightedLayerNames } from '../transfer/applicationWeights';
import { analyzeGraph } from '../../common/graph/analysis';
import type { ModelGraph } from '../../common/graph/schema';
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
      const source = input.source;
      // A template without its top ends in its features: the cut is its output, not a classifier to find.
      const cutAt = input.cutAt ?? ('weightsPath' in source && source.template.includeTop === false ? lastLayerName(sourceGraph) : undefined);
      const result = buildTransferGraph(sourceGraph, { cutAt, classes: input.classes, freeze: input.freeze, headDropout: input.headDropout });
      if (!('weightsPath' in source)) return result;
      const weightsPath = await resolveAllowedPath(context, source.weightsPath);
      const plan = await inspectApplicationWeights({ ...source, weightsPath });
      return { ...result, weights: applyPlan(plan, weightedLayerNames(result.graph), path.basename(weightsPath)).report };
    },
  };
}

/** The name of the graph's single output layer (a template without top ends there). */
function lastLayerName(graph: ModelGraph): string | undefined {
  const outputs = analyzeGraph(graph).outputs;
  return outputs.length === 1 ? graph.nodes.find((node) => node.id === outputs[0])?.name : undefined;
}
