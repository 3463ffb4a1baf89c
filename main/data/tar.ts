import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { createGunzip } from 'node:zlib';
import { LabError } from '../../common/errors';

/**
 * Extracts the regular files of a .tar.gz whose names `keep` accepts into `destDir`,
 * flattened to their base names. Streams: the archive is never held in memory whole.
 *
 * @returns the base names written.
 * @throws LabError `DATASET_BAD_FILE` for a damaged archive.
 */
export async function extractTarGz(archive: string, destDir: string, keep: (name: string) => boolean): Promise<string[]> {
  await fs.mkdir(destDir, { recursive: true });
  const written: string[] = [];
  let buffer: Buffer = Buffer.alloc(0);
  let current: { handle: fs.FileHandle | null; remaining: number; padding: number } | null = null;
  try {
    for await (const chunk of createReadStream(archive).pipe(createGunzip())) {
      buffer = buffer.length === 0 ? (chunk as Buffer) : Buffer.concat([buffer, chunk as Buffer]);
      for (;;) {
        if (current) {
          const take = Math.min(current.remaining, buffer.length);
          if (take > 0 && current.handle) await current.handle.write(buffer.subarray(0, take));
          current.remaining -= take;
          buffer = buffer.subarray(take);
          if (current.remaining > 0) break;
          if (buffer.length < current.padding) break;
          buffer = buffer.subarray(current.padding);
          await current.handle?.close();
          current = null;
          continue;
        }
        if (buffer.length < 512) break;
        const header = buffer.subarray(0, 512);
        buffer = buffer.subarray(512);
        if (header.every((b) => b === 0)) continue;
        const name = header.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
        const prefix = header.subarray(345, 500).toString('utf8').replace(/\0.*$/s, '');
        const size = parseInt(header.subarray(124, 136).toString('utf8').replace(/\0.*$/s, '').trim() || '0', 8);
        if (!Number.isFinite(size) || size < 0) throw new Error(`bad size field in the header of ${name}`);
        const type = String.fromCharCode(header[156] ?? 0);
        const full = prefix ? `${prefix}/${name}` : name;
        const base = path.basename(full);
        const regular = type === '0' || type === '\0';
        const wanted = regular && base.length > 0 && keep(full);
        const handle = wanted ? await fs.open(path.join(destDir, base), 'w') : null;
        if (wanted) written.push(base);
        current = { handle, remaining: size, padding: (512 - (size % 512)) % 512 };
      }
    }
  } catch (error) {
    await current?.handle?.close().catch(() => undefined);
    throw new LabError('DATASET_BAD_FILE', `Expected a readable .tar.gz archive. Received: ${(error as Error).message} in ${archive}`, { path: archive });
  }
  if (current && current.remaining > 0) {
    await current.handle?.close();
    throw new LabError('DATASET_BAD_FILE', `Expected a complete .tar.gz archive (it ends inside a file). Received: path=${JSON.stringify(archive)}`, { path: archive });
  }
  return written;
}
