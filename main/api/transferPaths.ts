import type { TransferSource } from '../../common/training/transferSource';
import type { LabContext } from './labContext';
import { resolveAllowedPath } from './paths';

/**
 * A transfer source with its paths checked against the lab's allowed roots and made
 * absolute, so the training process can open it without the lab's context.
 *
 * @throws LabError `API_PATH_DENIED` for a path outside the allowed roots.
 */
export async function resolveTransferSourcePaths(context: LabContext, source: TransferSource): Promise<TransferSource> {
  if ('modelPath' in source) return { modelPath: await resolveAllowedPath(context, source.modelPath) };
  if ('weightsPath' in source) return { ...source, weightsPath: await resolveAllowedPath(context, source.weightsPath) };
  if (source.projectDir === undefined) return { ...source };
  return { ...source, projectDir: await resolveAllowedPath(context, source.projectDir) };
}
