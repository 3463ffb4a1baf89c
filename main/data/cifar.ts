import { LabError } from '../../common/errors';

/** Bytes of one CIFAR-10 binary record: a label byte then 3 x 1024 planar pixels. */
export const CIFAR_RECORD_BYTES = 1 + 32 * 32 * 3;

/** The records of one CIFAR-10 batch file, pixels converted to interleaved HWC. */
export interface CifarBatch {
  labels: Uint8Array;
  /** `count * 32 * 32 * 3` bytes, RGB interleaved. */
  images: Uint8Array;
}

/**
 * Parses a CIFAR-10 binary batch (`data_batch_N.bin`, `test_batch.bin`).
 *
 * @throws LabError `DATASET_CIFAR_TRUNCATED` when the size is not a whole number of
 *   3073-byte records, or a label is not in [0, 10).
 */
export function parseCifarBatch(bytes: Uint8Array, file = '<buffer>'): CifarBatch {
  if (bytes.length === 0 || bytes.length % CIFAR_RECORD_BYTES !== 0) {
    throw new LabError('DATASET_CIFAR_TRUNCATED', `Expected a whole number of ${CIFAR_RECORD_BYTES}-byte CIFAR-10 records. Received: size=${bytes.length} in ${file}`, { path: file, received: bytes.length });
  }
  const count = bytes.length / CIFAR_RECORD_BYTES;
  const labels = new Uint8Array(count);
  const images = new Uint8Array(count * 3072);
  for (let r = 0; r < count; r++) {
    const base = r * CIFAR_RECORD_BYTES;
    const label = bytes[base]!;
    if (label >= 10) {
      throw new LabError('DATASET_CIFAR_TRUNCATED', `Expected CIFAR-10 labels in [0, 10) (misaligned or damaged records). Received: label=${label} at record ${r} in ${file}`, { path: file, received: label });
    }
    labels[r] = label;
    const out = r * 3072;
    for (let p = 0; p < 1024; p++) {
      images[out + p * 3] = bytes[base + 1 + p]!;
      images[out + p * 3 + 1] = bytes[base + 1 + 1024 + p]!;
      images[out + p * 3 + 2] = bytes[base + 1 + 2048 + p]!;
    }
  }
  return { labels, images };
}

/** Class names from `batches.meta.txt` (one per line, blank lines ignored). */
export function parseCifarMeta(text: string): string[] {
  return text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line.length > 0);
}

/** The CIFAR-10 class names, in label order. */
export const CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
