import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { LabError } from '../../common/errors';
import type { DatasetInfo, DatasetProgressEvent, ImportOptions, ImportResult } from '../../common/api/methods/datasets';
import { CACHE_FILES, openDatasetCache, readDatasetInfo, type CacheIndex, type DatasetCache, type RecordSource } from './datasetCache';
import { CacheWriter } from './cacheWriter';
import type { ImportPlan, PlannedRecord } from './importPlan';
import { planFolderImport, type ConfineLink } from './folderSource';
import { findCifarDir, looksLikeIdx, planCifarImport, planIdxImport } from './fileSources';
import { assignSplits, countPerClass } from './split';
import { computeStoredStats } from './stats';
import { createProgressCounter } from './progress';
import { channelsOf } from './preprocess';
import type { KnownFile } from './knownDatasets';
import { planCacheImport } from './cacheSource';

/** What to import. */
export interface ImportRequest {
  path: string;
  /** `cache`: an adapted copy of the dataset cached at `path` (see `cacheSource.ts`). */
  kind: 'auto' | 'folder' | 'idx' | 'cifar10' | 'cache';
  name?: string | undefined;
  classNames?: string[] | undefined;
  options: ImportOptions;
  /** Overrides the recorded source kind (built-in datasets and the bundled sample). */
  sourceKind?: DatasetInfo['source']['kind'] | undefined;
  /** Overrides the dataset id (built-in datasets have fixed ids). */
  id?: string | undefined;
}

/** Where and how an import runs. */
export interface ImportEnvironment {
  /** Folder holding one subfolder per dataset. */
  datasetsRoot: string;
  importId?: string | undefined;
  signal?: AbortSignal | undefined;
  onProgress?: ((event: DatasetProgressEvent) => void) | undefined;
  /** Images in flight at once (default `DEFAULT_IMPORT_CONCURRENCY`). */
  concurrency?: number | undefined;
  /** The standard files recognised by content (default `KNOWN_FILES`; tests pass their own). */
  knownFiles?: readonly KnownFile[] | undefined;
  /** Where a linked image may be read from (the caller's path policy); links are followed without one. */
  confine?: ConfineLink | undefined;
}

/**
 * Images an import keeps in flight by default. sharp decodes on libuv's thread pool (4
 * threads unless UV_THREADPOOL_SIZE says otherwise); twice that many keeps the pool busy
 * while this thread resizes and writes (measured: about 20% more images/s than 4).
 */
export const DEFAULT_IMPORT_CONCURRENCY = 2 * (Number(process.env['UV_THREADPOOL_SIZE']) || 4);

/** Records decoded per scheduling round; they are written in order after each round. */
const ROUND_SIZE = 256;

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

function throwIfCancelled(signal: AbortSignal | undefined, importId: string): void {
  if (signal?.aborted) throw new LabError('DATASET_CANCELLED', `Expected the import to finish. Received: cancelled importId=${JSON.stringify(importId)}`, { importId });
}

/** A folder-name-safe slug of a display name. */
function slug(name: string): string {
  const cleaned = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40);
  return cleaned.length > 0 ? cleaned : 'dataset';
}

async function planImport(request: ImportRequest, target: string, onScanned: (files: number) => void, knownFiles: readonly KnownFile[] | undefined, confine: ConfineLink | undefined): Promise<ImportPlan> {
  let stat;
  try {
    stat = await fs.stat(target);
  } catch {
    throw new LabError('DATASET_NOT_FOUND', `Expected an existing folder or file to import. Received: path=${JSON.stringify(request.path)}`, { path: request.path, field: 'path' });
  }
  let kind = request.kind;
  if (kind === 'auto') {
    if (await looksLikeIdx(target)) kind = 'idx';
    else if (await findCifarDir(target)) kind = 'cifar10';
    else if (stat.isDirectory()) kind = 'folder';
    else throw new LabError('DATASET_BAD_FILE', `Expected a folder of images, IDX files or CIFAR-10 batches. Received: path=${JSON.stringify(request.path)}`, { path: request.path, field: 'path' });
  }
  if (kind === 'cache') return planCacheImport(target, request.options);
  if (kind === 'idx') return planIdxImport(target, request.options, request.classNames, knownFiles);
  if (kind === 'cifar10') return planCifarImport(target, request.options, request.classNames, knownFiles);
  if (!stat.isDirectory()) throw new LabError('DATASET_BAD_FILE', `Expected a folder with one subfolder per class. Received: path=${JSON.stringify(request.path)}`, { path: request.path, field: 'path' });
  return planFolderImport(target, request.options, onScanned, confine);
}

/** Fingerprint of an import: its sources (paths, sizes, mtimes), classes and every option that changes the cache. */
function fingerprintOf(plan: ImportPlan, options: ImportOptions): string {
  const sources = plan.sourceFiles.map((s) => [s.path, s.size, s.mtimeMs]);
  const skipped = plan.skipped.map((s) => s.path);
  return sha256(JSON.stringify({ v: 1, kind: plan.kind, sources, skipped, classes: plan.classes, preprocessing: plan.preprocessing, split: [options.validationSplit, options.testSplit, options.seed] }));
}

function sourceKey(source: RecordSource): string {
  return `${source.path}\u0000${source.size}\u0000${source.mtimeMs}`;
}

/** Records of the previous cache that can be copied instead of decoded, by source key. */
interface PreviousCache {
  cache: DatasetCache;
  byKey: Map<string, number>;
  originalSizes: Array<[number, number]> | undefined;
}

async function reusableRecords(dir: string, plan: ImportPlan): Promise<PreviousCache | null> {
  try {
    const cache = await openDatasetCache(dir);
    const index = JSON.parse(await fs.readFile(path.join(dir, CACHE_FILES.index), 'utf8')) as CacheIndex;
    if (!index.sources || JSON.stringify(cache.info.preprocessing) !== JSON.stringify(plan.preprocessing)) {
      cache.dispose();
      return null;
    }
    const byKey = new Map<string, number>();
    index.sources.forEach((source, i) => byKey.set(sourceKey(source), i));
    return { cache, byKey, originalSizes: index.originalSizes };
  } catch {
    return null;
  }
}

async function writeJson(file: string, value: unknown): Promise<void> {
  await fs.writeFile(file, JSON.stringify(value));
}

/**
 * Imports a dataset into `<datasetsRoot>/<id>/`: plans (scan, parse), decodes each record
 * once, splits, computes stats and swaps the new cache in atomically. An unchanged source
 * with the same options returns the existing cache without decoding; a changed folder
 * re-decodes only new or modified files. A file that fails to decode is skipped and listed
 * in the report; the import goes on.
 *
 * @throws LabError `DATASET_CANCELLED` when `signal` aborts, `DATASET_EMPTY` when no record
 *   could be decoded, and the named errors of the IDX and CIFAR parsers.
 */
export async function importDataset(request: ImportRequest, env: ImportEnvironment): Promise<ImportResult> {
  const started = performance.now();
  const importId = env.importId ?? randomUUID();
  const target = path.resolve(request.path);
  const scan = createProgressCounter(importId, 'scan', 0, env.onProgress);
  let scannedSoFar = 0;
  const plan = await planImport(request, target, (files) => {
    scan.add(files - scannedSoFar);
    scannedSoFar = files;
  }, env.knownFiles, env.confine);
  try {
    return await importPlanned(request, env, plan, importId, started, scan);
  } finally {
    plan.release?.();
  }
}

/** The import once its plan is made: decode (or reuse), split, write and swap in. */
async function importPlanned(request: ImportRequest, env: ImportEnvironment, plan: ImportPlan, importId: string, started: number, scan: ReturnType<typeof createProgressCounter>): Promise<ImportResult> {
  scan.finish();
  throwIfCancelled(env.signal, importId);

  const kind = request.sourceKind ?? plan.kind;
  const name = request.name ?? plan.name;
  const id = request.id ?? `${slug(name)}-${sha256(JSON.stringify([kind, plan.sourcePath, plan.preprocessing])).slice(0, 8)}`;
  const fingerprint = fingerprintOf(plan, request.options);
  const finalDir = path.join(env.datasetsRoot, id);
  await fs.mkdir(env.datasetsRoot, { recursive: true });

  const existing = await readDatasetInfo(finalDir).catch(() => null);
  if (existing && existing.fingerprint === fingerprint) {
    const info: DatasetInfo = name === existing.name ? existing : { ...existing, name };
    if (info !== existing) await writeJson(path.join(finalDir, CACHE_FILES.info), info);
    const durationMs = performance.now() - started;
    return { info, report: { importId, reused: true, decoded: 0, reusedRecords: existing.splits.train + existing.splits.validation + existing.splits.test, skipped: existing.skipped, warnings: plan.warnings ?? [], durationMs, rate: 0 } };
  }

  const [height, width] = plan.preprocessing.targetSize;
  const channels = channelsOf(plan.preprocessing);
  const recordBytes = height * width * channels;
  const tmpDir = path.join(env.datasetsRoot, `.import-${id}-${randomUUID().slice(0, 8)}`);
  const writer = new CacheWriter(tmpDir, recordBytes, channels);
  const previous = existing ? await reusableRecords(finalDir, plan) : null;
  const skipped = [...plan.skipped];
  const givenSplits: Array<PlannedRecord['split']> = [];
  let decoded = 0;
  let reusedRecords = 0;
  try {
    await writer.open();
    const progress = createProgressCounter(importId, 'decode', plan.records.length, env.onProgress);
    const concurrency = Math.max(1, env.concurrency ?? DEFAULT_IMPORT_CONCURRENCY);
    // Decoded pixels land here, one slot per record of a round; the writer copies each
    // record out before the next round reuses the slots. Shared memory, so decode worker
    // threads write their records in place.
    const roundBuffer = new Uint8Array(new SharedArrayBuffer(Math.min(ROUND_SIZE, plan.records.length) * recordBytes));
    for (let start = 0; start < plan.records.length; start += ROUND_SIZE) {
      throwIfCancelled(env.signal, importId);
      const round = plan.records.slice(start, start + ROUND_SIZE);
      const results = await decodeRound(round, concurrency, previous, roundBuffer, recordBytes);
      for (let i = 0; i < round.length; i++) {
        const record = round[i]!;
        const result = results[i]!;
        if ('error' in result) {
          skipped.push({ path: record.source?.path ?? `${plan.sourcePath}#${start + i}`, reason: result.error });
          continue;
        }
        if (result.pixels.length !== recordBytes) {
          skipped.push({ path: record.source?.path ?? `${plan.sourcePath}#${start + i}`, reason: `decoded to ${result.pixels.length} bytes, expected ${recordBytes}` });
          continue;
        }
        if (result.reused) reusedRecords += 1;
        else decoded += 1;
        givenSplits.push(record.split);
        await writer.append(result.pixels, record.label, [result.originalWidth, result.originalHeight], record.source, result.channelSums);
      }
      progress.add(round.length);
    }
    progress.finish();
    throwIfCancelled(env.signal, importId);
    const written = await writer.finish();
    if (written.count === 0) {
      throw new LabError('DATASET_EMPTY', `Expected at least one readable image. Received: ${skipped.length} skipped file(s) in ${JSON.stringify(request.path)}`, { path: request.path, skipped: skipped.slice(0, 20) });
    }
    const splits = assignSplits(written.labels, plan.classes.length, givenSplits, { validation: request.options.validationSplit, test: request.options.testSplit, seed: request.options.seed });
    const classCounts = countPerClass(written.labels, plan.classes.length, splits);
    const info: DatasetInfo = {
      id,
      name,
      source: { kind, path: plan.sourcePath },
      classes: plan.classes,
      imageShape: [height, width, channels],
      preprocessing: plan.preprocessing,
      splits: { train: splits.train.length, validation: splits.validation.length, test: splits.test.length },
      classCounts,
      fingerprint,
      createdAt: new Date().toISOString(),
      cacheDir: finalDir,
      skipped,
      ...(plan.knownDataset ? { knownDataset: plan.knownDataset } : {}),
    };
    const index: CacheIndex = { formatVersion: 1, count: written.count, recordBytes, labels: written.labels, splits, ...(written.sources ? { sources: written.sources, originalSizes: written.originalSizes } : {}) };
    await writeJson(path.join(tmpDir, CACHE_FILES.index), index);
    await writeJson(path.join(tmpDir, CACHE_FILES.stats), computeStoredStats(written.originalSizes, written.channelSums, written.channelSquares, written.count * height * width));
    await writeJson(path.join(tmpDir, CACHE_FILES.info), info);
    previous?.cache.dispose();
    await swapIn(tmpDir, finalDir);
    const durationMs = performance.now() - started;
    return { info, report: { importId, reused: false, decoded, reusedRecords, skipped, warnings: plan.warnings ?? [], durationMs, rate: durationMs > 0 ? (written.count * 1000) / durationMs : 0 } };
  } catch (error) {
    previous?.cache.dispose();
    await writer.discard();
    throw error;
  }
}

type RoundResult = { pixels: Uint8Array; originalWidth: number; originalHeight: number; channelSums?: Float64Array | undefined; reused: boolean } | { error: string };

/**
 * Decodes (or copies from the previous cache) one round of records, `concurrency` at a time,
 * keeping order; record i of the round may be decoded into slot i of `roundBuffer`.
 */
async function decodeRound(round: PlannedRecord[], concurrency: number, previous: PreviousCache | null, roundBuffer: Uint8Array, recordBytes: number): Promise<RoundResult[]> {
  const results = new Array<RoundResult>(round.length);
  const toDecode: number[] = [];
  if (previous) {
    const copies: Array<[number, number]> = [];
    round.forEach((record, i) => {
      const old = record.source ? previous.byKey.get(sourceKey(record.source)) : undefined;
      if (old === undefined) toDecode.push(i);
      else copies.push([i, old]);
    });
    if (copies.length > 0) {
      const bytes = await previous.cache.readImages(copies.map(([, old]) => old));
      const previousBytes = bytes.length / copies.length;
      copies.forEach(([i, old], k) => {
        const [h, w] = previous.cache.info.imageShape;
        const [originalWidth, originalHeight] = previous.originalSizes?.[old] ?? [w, h];
        results[i] = { pixels: bytes.subarray(k * previousBytes, (k + 1) * previousBytes), originalWidth, originalHeight, reused: true };
      });
    }
  } else {
    round.forEach((_, i) => toDecode.push(i));
  }
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < toDecode.length) {
      const i = toDecode[next++]!;
      try {
        results[i] = { ...(await round[i]!.load(roundBuffer.subarray(i * recordBytes, (i + 1) * recordBytes))), reused: false };
      } catch (error) {
        const reason = error instanceof LabError && typeof error.details?.['reason'] === 'string' ? error.details['reason'] : (error as Error).message;
        results[i] = { error: reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, toDecode.length) }, worker));
  return results;
}

/** Replaces `finalDir` by `tmpDir` so readers never see a half-written cache. */
async function swapIn(tmpDir: string, finalDir: string): Promise<void> {
  const retired = `${tmpDir}-old`;
  let hadOld = false;
  try {
    await fs.rename(finalDir, retired);
    hadOld = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await fs.rename(tmpDir, finalDir);
  if (hadOld) await fs.rm(retired, { recursive: true, force: true });
}
