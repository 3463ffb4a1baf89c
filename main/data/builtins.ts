import fs from 'node:fs/promises';
import path from 'node:path';
import { LabError } from '../../common/errors';
import type { BuiltinDataset, DatasetProgressEvent } from '../../common/api/methods/datasets';
import { repoRoot } from '../install/installFolder';
import { downloadFile, type DownloadSpec } from './download';
import { extractTarGz } from './tar';
import { distributedFiles, KNOWN_DATASETS, type KnownDatasetId } from './knownDatasets';
import { createProgressCounter } from './progress';

export type BuiltinId = BuiltinDataset['id'];

/** A file of a built-in dataset: where it comes from and its digest. */
export interface BuiltinFile extends DownloadSpec {
  /** Name on disk. */
  name: string;
}

/** Where a built-in dataset comes from and how to import it. */
export interface BuiltinSource {
  id: BuiltinId;
  name: string;
  description: string;
  classes: string[];
  imageShape: [number, number, number];
  license: string;
  kind: 'idx' | 'cifar10';
  files: BuiltinFile[];
  /** The files are a .tar.gz to unpack (CIFAR-10). */
  archive: boolean;
}

/** Debian's dataset-fashion-mnist package puts the four IDX files here. */
export const DEBIAN_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

const MNIST_BASE = 'https://storage.googleapis.com/cvdf-datasets/mnist/';
const FASHION_BASE = 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/';

/** The official files of an IDX dataset at `base`, with the digests recognition also reads. */
function idxDownloads(dataset: KnownDatasetId, base: string): BuiltinFile[] {
  return distributedFiles(dataset).map((file) => ({ name: file.name, url: `${base}${file.name}`, size: file.size, sha256: file.sha256 }));
}

/** The official files and their SHA-256 digests (as recorded by TensorFlow Datasets). */
export const BUILTIN_SOURCES: Record<Exclude<BuiltinId, 'fashion-mnist-sample'>, BuiltinSource> = {
  mnist: {
    id: 'mnist',
    name: 'MNIST',
    description: 'Handwritten digits, 28x28 grayscale: 60,000 training and 10,000 test images.',
    classes: [...KNOWN_DATASETS.mnist.classes],
    imageShape: [28, 28, 1],
    license: 'CC BY-SA 3.0 (Yann LeCun and Corinna Cortes)',
    kind: 'idx',
    archive: false,
    files: idxDownloads('mnist', MNIST_BASE),
  },
  'fashion-mnist': {
    id: 'fashion-mnist',
    name: 'Fashion-MNIST',
    description: 'Zalando clothing images, 28x28 grayscale, 10 classes: 60,000 training and 10,000 test images.',
    classes: [...KNOWN_DATASETS['fashion-mnist'].classes],
    imageShape: [28, 28, 1],
    license: 'MIT (Zalando SE)',
    kind: 'idx',
    archive: false,
    files: idxDownloads('fashion-mnist', FASHION_BASE),
  },
  cifar10: {
    id: 'cifar10',
    name: 'CIFAR-10',
    description: '32x32 colour images, 10 classes: 50,000 training and 10,000 test images.',
    classes: [...KNOWN_DATASETS.cifar10.classes],
    imageShape: [32, 32, 3],
    license: 'Free to use with citation (Alex Krizhevsky, 2009)',
    kind: 'cifar10',
    archive: true,
    files: [
      { name: 'cifar-10-binary.tar.gz', url: 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz', size: 170052171, sha256: 'c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd' },
    ],
  },
};

/** The bundled Fashion-MNIST subset (made by scripts/make-sample-dataset.mjs). */
export function bundledSampleDir(): string {
  return path.join(repoRoot(), 'resources', 'datasets', 'fashion-mnist-sample');
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(() => true, () => false);
}

async function allExist(dir: string, names: string[]): Promise<boolean> {
  for (const name of names) if (!(await exists(path.join(dir, name)))) return false;
  return true;
}

const IDX_NAMES = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'];

/** True when Debian's dataset-fashion-mnist package is installed. */
export async function hasDebianFashionMnist(dir = DEBIAN_FASHION_MNIST_DIR): Promise<boolean> {
  return allExist(dir, IDX_NAMES);
}

/** Where a downloaded built-in dataset is stored and imported from. */
function downloadDir(downloadsRoot: string, source: BuiltinSource): string {
  return path.join(downloadsRoot, source.id);
}

/** Folder an archive dataset is unpacked into. */
function unpackedDir(downloadsRoot: string, source: BuiltinSource): string {
  return path.join(downloadDir(downloadsRoot, source), 'unpacked');
}

/** Every built-in dataset with where it would be read from on this machine. */
export async function listBuiltinDatasets(downloadsRoot: string): Promise<BuiltinDataset[]> {
  const sample = bundledSampleDir();
  const out: BuiltinDataset[] = [{
    id: 'fashion-mnist-sample',
    name: 'Fashion-MNIST sample',
    description: 'A class-balanced subset of Fashion-MNIST bundled with the app: 2,000 training and 500 test images.',
    classes: [...KNOWN_DATASETS['fashion-mnist'].classes],
    imageShape: [28, 28, 1],
    availability: 'bundled',
    downloadBytes: 0,
    license: 'MIT (Zalando SE)',
    location: sample,
  }];
  for (const source of Object.values(BUILTIN_SOURCES)) {
    const dir = downloadDir(downloadsRoot, source);
    const debian = source.id === 'fashion-mnist' && (await hasDebianFashionMnist());
    const downloaded = await allExist(dir, source.files.map((f) => f.name));
    const size = source.files.reduce((sum, f) => sum + (f.size ?? 0), 0);
    out.push({
      id: source.id,
      name: source.name,
      description: source.description,
      classes: source.classes,
      imageShape: source.imageShape,
      availability: debian ? 'installed' : downloaded ? 'downloaded' : 'download',
      downloadBytes: debian || downloaded ? 0 : size,
      license: source.license,
      location: debian ? DEBIAN_FASHION_MNIST_DIR : dir,
    });
  }
  return out;
}

/** What to import once a built-in dataset's files are on disk. */
export interface BuiltinImportSource {
  path: string;
  kind: 'idx' | 'cifar10';
  classNames: string[];
  name: string;
}

/**
 * Downloads every file of `source` into `<downloadsRoot>/<id>/` (resumable, checked) and
 * unpacks an archive, reporting bytes as `download` progress.
 */
export async function fetchBuiltinFiles(
  source: BuiltinSource,
  downloadsRoot: string,
  options: { importId: string; signal?: AbortSignal | undefined; onProgress?: ((event: DatasetProgressEvent) => void) | undefined; fetchImpl?: typeof fetch | undefined },
): Promise<BuiltinImportSource> {
  const dir = downloadDir(downloadsRoot, source);
  await fs.mkdir(dir, { recursive: true });
  const total = source.files.reduce((sum, f) => sum + (f.size ?? 0), 0);
  const progress = createProgressCounter(options.importId, 'download', total, options.onProgress);
  for (const file of source.files) {
    let reported = 0;
    await downloadFile(file, path.join(dir, file.name), {
      signal: options.signal,
      fetchImpl: options.fetchImpl,
      onBytes: (done) => {
        progress.add(done - reported);
        reported = done;
      },
    });
  }
  progress.finish();
  if (!source.archive) return { path: dir, kind: source.kind, classNames: source.classes, name: source.name };
  const target = unpackedDir(downloadsRoot, source);
  if (!(await exists(path.join(target, 'test_batch.bin')))) {
    const tmp = `${target}.tmp`;
    await fs.rm(tmp, { recursive: true, force: true });
    await extractTarGz(path.join(dir, source.files[0]!.name), tmp, (name) => /\.(bin|txt)$/.test(name));
    await fs.rm(target, { recursive: true, force: true });
    await fs.rename(tmp, target);
  }
  return { path: target, kind: source.kind, classNames: source.classes, name: source.name };
}

/**
 * Finds (bundled sample, Debian package) or downloads a built-in dataset.
 *
 * @throws LabError `DATASET_NOT_FOUND` when the bundled sample is missing from the install.
 */
export async function locateBuiltin(
  id: BuiltinId,
  downloadsRoot: string,
  options: { importId: string; signal?: AbortSignal | undefined; onProgress?: ((event: DatasetProgressEvent) => void) | undefined },
): Promise<BuiltinImportSource> {
  if (id === 'fashion-mnist-sample') {
    const dir = bundledSampleDir();
    if (!(await allExist(dir, IDX_NAMES))) {
      throw new LabError('DATASET_NOT_FOUND', `Expected the bundled Fashion-MNIST sample. Received: path=${JSON.stringify(dir)}`, { path: dir });
    }
    return { path: dir, kind: 'idx', classNames: [...KNOWN_DATASETS['fashion-mnist'].classes], name: 'Fashion-MNIST sample' };
  }
  if (id === 'fashion-mnist' && (await hasDebianFashionMnist())) {
    return { path: DEBIAN_FASHION_MNIST_DIR, kind: 'idx', classNames: [...KNOWN_DATASETS['fashion-mnist'].classes], name: 'Fashion-MNIST' };
  }
  return fetchBuiltinFiles(BUILTIN_SOURCES[id], downloadsRoot, options);
}
