import { createHash } from 'node:crypto';
import type { KnownDatasetMatch } from '../../common/api/methods/datasets';
import { CIFAR10_CLASSES, CIFAR_RECORD_BYTES } from './cifar';

/**
 * The standard datasets an import recognises by the bytes of its files, whatever their
 * folder is called, so they arrive with the class names Keras users know them by.
 */
export type KnownDatasetId = 'mnist' | 'fashion-mnist' | 'cifar10';

/** A dataset recognised by content: its display name and its class names in label order. */
export interface KnownDataset {
  id: KnownDatasetId;
  name: string;
  classes: readonly string[];
}

/** MNIST's classes are its digits. */
export const MNIST_CLASSES: readonly string[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** Fashion-MNIST's class names, in label order (as in its README and Keras's docs). */
export const FASHION_MNIST_CLASSES: readonly string[] = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

export const KNOWN_DATASETS: Readonly<Record<KnownDatasetId, KnownDataset>> = {
  mnist: { id: 'mnist', name: 'MNIST', classes: MNIST_CLASSES },
  'fashion-mnist': { id: 'fashion-mnist', name: 'Fashion-MNIST', classes: FASHION_MNIST_CLASSES },
  cifar10: { id: 'cifar10', name: 'CIFAR-10', classes: CIFAR10_CLASSES },
};

/** One standard file, as distributed or after gunzip, and how it is recognised. */
export interface KnownFile {
  dataset: KnownDatasetId;
  /** The standard file name (for messages and downloads; recognition ignores names). */
  name: string;
  /**
   * `file`: the bytes on disk as distributed (a .gz file). `content`: the bytes after
   * gunzip, which stay the same when someone re-compresses the file (Debian's package does:
   * its .gz files lack the original name field, so they are 24 bytes shorter).
   */
  form: 'file' | 'content';
  size: number;
  /** Lower-case hex SHA-256, or null where no published checksum is known: size and `header` decide. */
  sha256: string | null;
  /** With `sha256` null: the bytes the file must start with (an IDX header: magic number and dimensions). */
  header?: readonly number[];
}

/** An IDX header: the magic number of unsigned bytes of `dims.length` dimensions, then each dimension (big-endian). */
function idxHeader(dims: readonly number[]): number[] {
  return [0, 0, 8, dims.length, ...dims.flatMap((d) => [(d >>> 24) & 255, (d >>> 16) & 255, (d >>> 8) & 255, d & 255])];
}

/**
 * The table recognition reads. Sources of the checksums:
 * - the distributed .gz files of MNIST and Fashion-MNIST: TensorFlow Datasets' recorded
 *   SHA-256 digests (the same ones the downloads are checked against);
 * - Fashion-MNIST's content after gunzip: computed from Debian's dataset-fashion-mnist files,
 *   whose content is byte-identical to the original (same sizes, same digests for any
 *   compression of it).
 * No published SHA-256 is known for MNIST's gunzipped content nor for CIFAR-10's batch
 * files (only for the archive they come in), so those are matched by size and header: an
 * IDX header with MNIST's dimensions, or the CIFAR-10 batch size of 10,000 records (the
 * CIFAR binary format has no header; its parser checks every label is below 10). Fashion-MNIST
 * has MNIST's sizes and headers, so it is matched by checksum first and only by checksum.
 */
export const KNOWN_FILES: readonly KnownFile[] = [
  { dataset: 'mnist', name: 'train-images-idx3-ubyte.gz', form: 'file', size: 9912422, sha256: '440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609' },
  { dataset: 'mnist', name: 'train-labels-idx1-ubyte.gz', form: 'file', size: 28881, sha256: '3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c' },
  { dataset: 'mnist', name: 't10k-images-idx3-ubyte.gz', form: 'file', size: 1648877, sha256: '8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6' },
  { dataset: 'mnist', name: 't10k-labels-idx1-ubyte.gz', form: 'file', size: 4542, sha256: 'f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6' },
  { dataset: 'fashion-mnist', name: 'train-images-idx3-ubyte.gz', form: 'file', size: 26421880, sha256: '3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84' },
  { dataset: 'fashion-mnist', name: 'train-labels-idx1-ubyte.gz', form: 'file', size: 29515, sha256: 'a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845' },
  { dataset: 'fashion-mnist', name: 't10k-images-idx3-ubyte.gz', form: 'file', size: 4422102, sha256: '346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073' },
  { dataset: 'fashion-mnist', name: 't10k-labels-idx1-ubyte.gz', form: 'file', size: 5148, sha256: '67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5' },
  { dataset: 'fashion-mnist', name: 'train-images-idx3-ubyte', form: 'content', size: 47040016, sha256: 'c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888' },
  { dataset: 'fashion-mnist', name: 'train-labels-idx1-ubyte', form: 'content', size: 60008, sha256: 'bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9' },
  { dataset: 'fashion-mnist', name: 't10k-images-idx3-ubyte', form: 'content', size: 7840016, sha256: '5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b' },
  { dataset: 'fashion-mnist', name: 't10k-labels-idx1-ubyte', form: 'content', size: 10008, sha256: '0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34' },
  { dataset: 'mnist', name: 'train-images-idx3-ubyte', form: 'content', size: 47040016, sha256: null, header: idxHeader([60000, 28, 28]) },
  { dataset: 'mnist', name: 'train-labels-idx1-ubyte', form: 'content', size: 60008, sha256: null, header: idxHeader([60000]) },
  { dataset: 'mnist', name: 't10k-images-idx3-ubyte', form: 'content', size: 7840016, sha256: null, header: idxHeader([10000, 28, 28]) },
  { dataset: 'mnist', name: 't10k-labels-idx1-ubyte', form: 'content', size: 10008, sha256: null, header: idxHeader([10000]) },
  ...['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin', 'test_batch.bin'].map((name): KnownFile => (
    { dataset: 'cifar10', name, form: 'file', size: 10000 * CIFAR_RECORD_BYTES, sha256: null, header: [] }
  )),
];

/** The standard .gz files of a dataset with their published digests (what a download is checked against). */
export function distributedFiles(dataset: KnownDatasetId, table: readonly KnownFile[] = KNOWN_FILES): Array<KnownFile & { sha256: string }> {
  return table.filter((entry): entry is KnownFile & { sha256: string } => entry.dataset === dataset && entry.form === 'file' && entry.sha256 !== null);
}

/** A source file's bytes as read from disk and after gunzip (the same array when it was not compressed). */
export interface FileBytes {
  raw: Uint8Array;
  content: Uint8Array;
}

/** A dataset recognised by content, and how. */
export interface Recognition {
  dataset: KnownDataset;
  match: KnownDatasetMatch;
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((value, index) => bytes[index] === value);
}

/** Which dataset one file belongs to: by checksum first, then by size and header; null when none. */
function recogniseFile(file: FileBytes, table: readonly KnownFile[], digests: Map<Uint8Array, string>): { dataset: KnownDatasetId; match: KnownDatasetMatch } | null {
  const digest = (bytes: Uint8Array): string => {
    let hex = digests.get(bytes);
    if (hex === undefined) {
      hex = createHash('sha256').update(bytes).digest('hex');
      digests.set(bytes, hex);
    }
    return hex;
  };
  const bytesOf = (entry: KnownFile): Uint8Array => (entry.form === 'file' ? file.raw : file.content);
  // Only sizes that match are hashed, so an unknown dataset costs no digest at all.
  for (const entry of table) {
    if (entry.sha256 !== null && bytesOf(entry).length === entry.size && digest(bytesOf(entry)) === entry.sha256) return { dataset: entry.dataset, match: 'checksum' };
  }
  for (const entry of table) {
    if (entry.sha256 === null && bytesOf(entry).length === entry.size && startsWith(bytesOf(entry), entry.header ?? [])) return { dataset: entry.dataset, match: 'size-and-header' };
  }
  return null;
}

/**
 * The known dataset all of `files` belong to, or null when any file is unknown or they
 * belong to different datasets. The match is `checksum` only when every file matched by
 * checksum.
 *
 * @param table the files to recognise (tests pass their own).
 */
export function recogniseDataset(files: readonly FileBytes[], table: readonly KnownFile[] = KNOWN_FILES): Recognition | null {
  if (files.length === 0) return null;
  const digests = new Map<Uint8Array, string>();
  const matches = files.map((file) => recogniseFile(file, table, digests));
  const first = matches[0];
  if (!first || matches.some((m) => m === null || m.dataset !== first.dataset)) return null;
  return { dataset: KNOWN_DATASETS[first.dataset], match: matches.every((m) => m?.match === 'checksum') ? 'checksum' : 'size-and-header' };
}
