import type { IDisposable } from '../../common/lifecycle';
import type { DatasetInfo } from '../../common/api/methods/datasets';

/** The three splits every dataset has (a split may be empty). */
export type DatasetSplit = 'train' | 'validation' | 'test';

/**
 * Read access to a decoded dataset on disk (DESIGN.md principle 7). Training streams
 * batches through `readImages`, so a dataset larger than RAM still trains.
 */
export interface DatasetCache extends IDisposable {
  readonly info: DatasetInfo;
  /** Class index of every example, by example index. */
  readonly labels: Int32Array;
  /** Example indices belonging to a split, in stable order. */
  indices(split: DatasetSplit): Int32Array;
  /**
   * Pixels of the given examples as one NHWC uint8 buffer, in the order given
   * (`indices.length * height * width * channels` bytes). Reads from disk.
   */
  readImages(indices: ArrayLike<number>): Promise<Uint8Array>;
}
