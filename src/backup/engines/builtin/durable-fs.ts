import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { makeDirs } from '../../../platform/make-dirs.js';

/**
 * Durable writes. The vault's crash-safety rests on two rules:
 *  1. a file becomes visible under its final name only complete and fsynced (tmp + fsync + rename),
 *  2. the directory holding the new name is fsynced before anything that refers to it is written.
 */
export async function fsyncDir(dir: string): Promise<void> {
  const handle = await fsp.open(dir, 'r');
  try {
    await handle.sync();
  } catch (error) {
    // Some file systems (network shares) refuse fsync on a directory; the rename is then as durable as they allow.
    if (!['EINVAL', 'EISDIR', 'ENOTSUP', 'EPERM'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
  } finally {
    await handle.close();
  }
}

/** Writes `chunks` to `tmpDir`, fsyncs, renames to `target`. Does not fsync target's directory. */
export async function writeFileDurable(tmpDir: string, target: string, chunks: readonly Uint8Array[]): Promise<void> {
  const tmp = path.join(tmpDir, `${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await fsp.open(tmp, 'wx', 0o600);
  try {
    for (const chunk of chunks) {
      let done = 0;
      while (done < chunk.byteLength) done += (await handle.write(chunk, done, chunk.byteLength - done)).bytesWritten;
    }
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await fsp.rm(tmp, { force: true });
    throw error;
  }
  await handle.close();
  try {
    await fsp.rename(tmp, target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      await fsp.rm(tmp, { force: true });
      throw error;
    }
    // The target's directory is missing (first write into a fresh shard): create it and retry once.
    await makeDirs(path.dirname(target));
    await fsp.rename(tmp, target);
  }
}
