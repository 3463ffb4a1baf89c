import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import { LabError } from '../../common/errors';

/** One file to fetch, with the digest it must have. */
export interface DownloadSpec {
  url: string;
  /** Lower-case hex SHA-256 of the complete file. */
  sha256: string;
  /** Expected size in bytes, for progress before the server answers. */
  size?: number | undefined;
}

/** Hooks of a download. */
export interface DownloadOptions {
  signal?: AbortSignal | undefined;
  /** Called with bytes on disk so far and the total (when known). */
  onBytes?: ((done: number, total: number) => void) | undefined;
  fetchImpl?: typeof fetch | undefined;
}

/** SHA-256 of a file, streamed. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function sizeOf(file: string): Promise<number> {
  return fs.stat(file).then((s) => s.size, () => 0);
}

/**
 * Downloads `spec.url` to `dest`, resuming a previous partial download (`dest + '.part'`)
 * with an HTTP Range request, and verifies the SHA-256 before moving it into place. A
 * complete file already at `dest` with the right digest is not fetched again.
 *
 * @throws LabError `DATASET_CHECKSUM` when the digest differs (the partial file is
 *   removed so the next try starts clean), `DOWNLOAD_FAILED` for HTTP or network errors,
 *   `DATASET_CANCELLED` when `signal` aborts (the partial file is kept for resuming).
 */
export async function downloadFile(spec: DownloadSpec, dest: string, options: DownloadOptions = {}): Promise<void> {
  if ((await sizeOf(dest)) > 0 && (await sha256File(dest)) === spec.sha256) {
    options.onBytes?.(await sizeOf(dest), await sizeOf(dest));
    return;
  }
  const part = `${dest}.part`;
  const fetchImpl = options.fetchImpl ?? fetch;
  let offset = await sizeOf(part);
  let response: Response;
  try {
    response = await fetchImpl(spec.url, { headers: offset > 0 ? { Range: `bytes=${offset}-` } : {}, ...(options.signal ? { signal: options.signal } : {}) });
  } catch (error) {
    if (options.signal?.aborted) throw cancelled(spec.url);
    throw new LabError('DOWNLOAD_FAILED', `Expected to reach the download server. Received: ${(error as Error).message} for ${spec.url}`, { url: spec.url });
  }
  if (response.status === 416 && spec.size !== undefined && offset === spec.size) {
    // The partial file is already complete; only the check and the move remain.
    await response.body?.cancel();
  } else {
    if (response.status !== 200 && response.status !== 206) {
      await response.body?.cancel();
      throw new LabError('DOWNLOAD_FAILED', `Expected HTTP 200 or 206. Received: status=${response.status} for ${spec.url}`, { url: spec.url, received: response.status });
    }
    if (response.status === 200) offset = 0; // The server ignored the Range: start over.
    const length = Number(response.headers.get('content-length') ?? Number.NaN);
    const total = Number.isFinite(length) ? offset + length : spec.size ?? 0;
    const file = await fs.open(part, offset > 0 ? 'a' : 'w');
    let done = offset;
    try {
      options.onBytes?.(done, total);
      if (response.body) {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          await file.write(chunk);
          done += chunk.length;
          options.onBytes?.(done, total);
        }
      }
    } catch (error) {
      if (options.signal?.aborted) throw cancelled(spec.url);
      throw new LabError('DOWNLOAD_FAILED', `Expected the whole file. Received: ${(error as Error).message} after ${done} bytes of ${spec.url}`, { url: spec.url, received: done });
    } finally {
      await file.close();
    }
  }
  const digest = await sha256File(part);
  if (digest !== spec.sha256) {
    await fs.rm(part, { force: true });
    throw new LabError('DATASET_CHECKSUM', `Expected SHA-256 ${spec.sha256}. Received: sha256=${digest} for ${spec.url}`, { url: spec.url, received: digest });
  }
  await fs.rename(part, dest);
}

function cancelled(url: string): LabError {
  return new LabError('DATASET_CANCELLED', `Expected the download to finish. Received: cancelled ${url}`, { url });
}
