import type { TransferSource } from '../../../common/training/transferSource';

/**
 * A transfer source in words: `run <name>, best checkpoint` (the run's name when known,
 * else its id) or the model file's name.
 */
export function describeTransferSource(source: TransferSource, runNames: ReadonlyMap<string, string> = new Map()): string {
  if ('modelPath' in source) return source.modelPath.split(/[\\/]/).filter(Boolean).at(-1) ?? source.modelPath;
  return `run ${runNames.get(source.runId) ?? source.runId}, ${source.checkpoint ?? 'best'} checkpoint`;
}
