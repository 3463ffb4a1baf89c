import { CIFAR_RECORD_BYTES } from '../../../../main/data/cifar';

/** CIFAR records whose R, G and B planes hold 10, 20, 30 plus the record number. */
export function cifarRecords(labels: number[]): Uint8Array {
  const bytes = new Uint8Array(labels.length * CIFAR_RECORD_BYTES);
  labels.forEach((label, r) => {
    const base = r * CIFAR_RECORD_BYTES;
    bytes[base] = label;
    bytes.fill(10 + r, base + 1, base + 1025);
    bytes.fill(20 + r, base + 1025, base + 2049);
    bytes.fill(30 + r, base + 2049, base + 3073);
  });
  return bytes;
}
