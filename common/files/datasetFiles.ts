/** The standard file names of the dataset formats the lab imports besides image folders. */

/** Any MNIST-style IDX file (`train-images-idx3-ubyte`, `t10k-labels-idx1-ubyte.gz`). */
export const IDX_FILE_NAME = /idx\d-ubyte(\.gz)?$/i;

/**
 * An IDX images file; group 1 is the prefix its labels file shares (`train-` of
 * `train-images-idx3-ubyte.gz`), group 2 the `.gz` when compressed.
 */
export const IDX_IMAGES_FILE_NAME = /^(.*)images[-.]idx3-ubyte(\.gz)?$/i;

/** A CIFAR-10 training batch (`data_batch_1.bin` ... `data_batch_5.bin`). */
export const CIFAR_TRAIN_BATCH = /^data_batch_\d+\.bin$/;
/** The CIFAR-10 test batch. */
export const CIFAR_TEST_BATCH = 'test_batch.bin';
/** The CIFAR-10 class names, one per line. */
export const CIFAR_META = 'batches.meta.txt';

/** True for the files of a CIFAR-10 binary download. */
export function isCifarFileName(name: string): boolean {
  return CIFAR_TRAIN_BATCH.test(name) || name === CIFAR_TEST_BATCH || name === CIFAR_META;
}
