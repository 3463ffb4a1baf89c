import type { TransferSource } from '../../../common/training/transferSource';

function baseName(filePath: string): string {
  return filePath.split(/[\\/]/).filter(Boolean).at(-1) ?? filePath;
}

/**
 * A transfer source in words: `run <name>, best checkpoint` (the run's name when known,
 * else its id), the model file's name, or `vgg16 with <weights file>`.
 */
export function describeTransferSource(source: TransferSource, runNames: ReadonlyMap<string, string> = new Map()): string {
  if ('modelPath' in source) return baseName(source.modelPath);
  if ('weightsPath' in source) return `${source.template.id}${source.template.includeTop === false ? ' without top' : ''} with ${baseName(source.weightsPath)}`;
  return `run ${runNames.get(source.runId) ?? source.runId}, ${source.checkpoint ?? 'best'} checkpoint`;
}
