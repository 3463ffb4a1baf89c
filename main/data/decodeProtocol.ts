import type { SerializedLabError } from '../../common/errors';
import type { Preprocessing } from '../../common/data/preprocessing';

/**
 * Main thread -> decode worker: decode `file` with `preprocessing`, writing the pixels
 * into `target` (shared memory the main thread reads afterwards) when given.
 */
export interface DecodeRequest {
  id: number;
  file: string;
  preprocessing: Preprocessing;
  target?: Uint8Array;
}

/**
 * Decode worker -> main thread: the pixels of request `id` (absent when they were written
 * into the request's `target`) with their per-channel sums, or why it failed.
 */
export type DecodeReply =
  | { id: number; pixels?: Uint8Array; originalWidth: number; originalHeight: number; channelSums?: Float64Array }
  | { id: number; error: SerializedLabError };
