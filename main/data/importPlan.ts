import type { DatasetInfo } from '../../common/api/methods/datasets';
import type { Preprocessing } from '../../common/data/preprocessing';
import type { DatasetSplit, RecordSource } from './datasetCache';

/** One example to decode: its label, the split its source gave it, and how to get its pixels. */
export interface PlannedRecord {
  label: number;
  /** Set when the source fixes the split (train/, test/ folders, a test file). */
  split?: DatasetSplit;
  /** The file it comes from, when one file is one example (lets a re-import reuse it). */
  source?: RecordSource;
  /**
   * Decodes and preprocesses; throws `DATASET_BAD_FILE` to skip this example. May write the
   * pixels into `out` (exactly one record's bytes, reused once the record is written) and
   * return it, or return other memory; may add their per-channel sums (`addChannelSums`
   * layout) so the cache writer need not compute them.
   */
  load(out?: Uint8Array): Promise<{ pixels: Uint8Array; originalWidth: number; originalHeight: number; channelSums?: Float64Array }>;
}

/** What an importer found in its source, before anything is decoded. */
export interface ImportPlan {
  kind: DatasetInfo['source']['kind'];
  /** Default display name. */
  name: string;
  sourcePath: string;
  classes: string[];
  preprocessing: Preprocessing;
  records: PlannedRecord[];
  /** Files already known to be unusable (wrong type, empty, outside a class folder). */
  skipped: Array<{ path: string; reason: string }>;
  /** Paths, sizes and mtimes of every source file: hashed into the fingerprint. */
  sourceFiles: RecordSource[];
  /** The standard dataset the files are, recognised by content; null otherwise. */
  knownDataset: DatasetInfo['knownDataset'] | null;
  /** What the import report should point out (labels with no images). */
  warnings?: string[];
  /** Frees what the plan holds open (an adapted copy's source cache) once the import ends. */
  release?: () => void;
}
