import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { VigilError } from '../../../domain/errors.js';
import { ProgressMeter } from './progress.js';
import { loadTree, mtimeSeconds, type SnapshotInfo, type TreeEntry } from './snapshot.js';
import { WorkerPool } from './worker-pool.js';
import type { BlobIndex } from './blob-index.js';
import type { EngineLogEntry, EngineProgress } from '../../engine.js';
import type { RestoreChunk, RestoreFile } from './worker-protocol.js';
import type { Vault } from './vault.js';
import { makeDirs } from '../../../platform/make-dirs.js';
import { stopIfUnreachable } from './vault-errors.js';
import { RemoteChunkReader, type WantedChunk } from './remote-chunks.js';

export interface RestoreTreeOptions {
  vault: Vault;
  index: BlobIndex;
  snapshot: SnapshotInfo;
  /** Target directory; entries land at <to>/<original absolute path>. */
  to: string;
  /** Only this absolute path (file or directory subtree) of the snapshot. */
  only?: string | undefined;
  signal?: AbortSignal | undefined;
  onProgress?: ((progress: EngineProgress) => void) | undefined;
}

export interface RestoreStats {
  files: number;
  dirs: number;
  symlinks: number;
  bytes: number;
  errors: number;
}

const BATCH_FILES = 64;
const BATCH_BYTES = 32 * 1024 * 1024;

/**
 * Writes a snapshot's tree under `to`: contents, modes, mtimes, symlinks (and owners when run as
 * root). Every chunk is checked against its hash before it is written; a damaged or missing chunk
 * is an error entry naming the file, and the other files are still restored.
 */
export async function restoreTree(options: RestoreTreeOptions, log: EngineLogEntry[]): Promise<RestoreStats> {
  const { vault, index } = options;
  const stats: RestoreStats = { files: 0, dirs: 0, symlinks: 0, bytes: 0, errors: 0 };
  const fail = (where: string, message: string) => {
    stats.errors++;
    log.push({ severity: 'error', path: where, message: `${where}: ${message}` });
  };
  let entries: TreeEntry[] = await loadTree(vault, index, options.snapshot);
  if (options.only !== undefined) {
    const only = path.resolve(options.only);
    entries = entries.filter((entry) => entry.path === only || entry.path.startsWith(only.endsWith('/') ? only : `${only}/`));
    if (entries.length === 0) {
      throw new VigilError('ERR_VAULT_NOT_FOUND', `${only} is not in snapshot ${options.snapshot.id.slice(0, 12)}`, {
        hint: `The snapshot holds ${options.snapshot.paths.join(', ')}; give an absolute path under one of them.`,
      });
    }
  }
  const to = path.resolve(options.to);
  const meter = new ProgressMeter(options.onProgress ?? (() => undefined));
  meter.filesTotal = entries.filter((entry) => entry.type === 'file').length;
  meter.bytesTotal = entries.reduce((sum, entry) => sum + (entry.type === 'file' ? entry.size : 0), 0);
  const dest = (entry: TreeEntry) => path.join(to, entry.path);
  const dirs: TreeEntry[] = [];
  await makeDirs(path.dirname(dest(entries[0]!)));

  const pool = new WorkerPool(vault.keys);
  // A local pack is read by the worker itself; a remote one here, in whole ranges (remote-chunks.ts).
  const reader = vault.backend.localPath ? undefined : new RemoteChunkReader(vault.backend);
  const running = new Set<Promise<void>>();
  const files = new Map<number, TreeEntry>();
  let batch: RestoreFile[] = [];
  let wanted: WantedChunk[] = [];
  let batchBytes = 0;
  /** What stops the restore: the vault became unreachable, or a worker thread died. */
  let failure: unknown;
  const write = async (task: RestoreFile[], chunks: WantedChunk[]) => {
    if (reader && chunks.length > 0) {
      const unread = await reader.fill(chunks);
      for (const [fid, error] of unread) {
        fail(files.get(fid)!.path, `not restored: ${error.message}`);
        files.delete(fid);
      }
      task = task.filter((file) => !unread.has(file.fid));
    }
    await pool.submit({ kind: 'restore', files: task }, (results) => {
      for (const result of results) {
        const entry = files.get(result.fid)!;
        files.delete(result.fid);
        if (result.error) fail(entry.path, `not restored: ${result.error.message}`);
        else {
          stats.files++;
          stats.bytes += entry.size;
        }
        meter.filesDone++;
        meter.bytesDone += entry.size;
      }
      meter.tick();
    });
  };
  const dispatch = async () => {
    if (batch.length === 0) return;
    const task = batch;
    const chunks = wanted;
    batch = [];
    wanted = [];
    batchBytes = 0;
    while (running.size >= pool.size * 2) await Promise.race(running);
    // Never rejects (a rejection nobody awaits yet would crash the process): the loop checks `failure`.
    const job: Promise<void> = write(task, chunks)
      .catch((error: unknown) => {
        failure ??= error;
      })
      .finally(() => running.delete(job));
    running.add(job);
  };
  try {
    let fid = 0;
    for (const entry of entries) {
      if (options.signal?.aborted) break;
      if (failure) throw failure;
      const target = dest(entry);
      try {
        if (entry.type === 'dir') {
          await makeDirs(target, 0o700);
          dirs.push(entry);
        } else if (entry.type === 'symlink') {
          await fsp.rm(target, { force: true });
          await fsp.symlink(entry.target ?? '', target);
          if (process.getuid?.() === 0) await fsp.lchown(target, entry.uid, entry.gid);
          const seconds = mtimeSeconds(entry.mtimeNs);
          await fsp.lutimes(target, seconds, seconds);
          stats.symlinks++;
        } else {
          const chunks: RestoreChunk[] = [];
          const fileWants: WantedChunk[] = [];
          for (const id of entry.chunks ?? []) {
            const location = index.get(id);
            if (!location) throw new Error(`chunk ${id.slice(0, 12)} is missing from the vault index`);
            const chunk: RestoreChunk = { id, packPath: vault.packPath(location.packId), offset: location.offset, length: location.length, comp: location.comp, rawLength: location.rawLength };
            if (reader) fileWants.push({ pack: vault.packName(location.packId), chunk, fid });
            chunks.push(chunk);
          }
          files.set(fid, entry);
          wanted.push(...fileWants);
          batch.push({ fid: fid++, target, size: entry.size, mode: entry.mode, mtimeNs: entry.mtimeNs, uid: entry.uid, gid: entry.gid, chunks });
          batchBytes += entry.size;
          if (batch.length >= BATCH_FILES || batchBytes >= BATCH_BYTES) await dispatch();
        }
      } catch (error) {
        stopIfUnreachable(error);
        fail(entry.path, `not restored: ${(error as Error).message}`);
      }
    }
    await dispatch();
    while (running.size > 0) await Promise.race(running);
    if (failure) throw failure;
  } finally {
    await pool.close();
    await vault.close();
  }
  // Directories last, deepest first: writing their contents changed their mtimes.
  for (const entry of dirs.reverse()) {
    const target = dest(entry);
    try {
      if (process.getuid?.() === 0) await fsp.chown(target, entry.uid, entry.gid);
      await fsp.chmod(target, entry.mode & 0o7777);
      const seconds = mtimeSeconds(entry.mtimeNs);
      await fsp.utimes(target, seconds, seconds);
      stats.dirs++;
    } catch (error) {
      fail(entry.path, `directory metadata not restored: ${(error as Error).message}`);
    }
  }
  meter.tick(true);
  return stats;
}
