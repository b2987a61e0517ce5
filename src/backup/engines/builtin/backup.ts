import os from 'node:os';
import { isVigilError } from '../../../domain/errors.js';
import { encodeIndex, type BlobIndex } from './blob-index.js';
import { BLOB_TYPE, type Compression } from './codec.js';
import { acquireLock } from './lock.js';
import { PackWriter } from './pack-writer.js';
import { ProgressMeter } from './progress.js';
import { loadSnapshots, loadTree, type Snapshot, type TreeEntry } from './snapshot.js';
import { storeTree } from './tree-writer.js';
import { excludeMatcher, walk } from './walker.js';
import { WorkerPool } from './worker-pool.js';
import { runStopper } from './vault-errors.js';
import type { EngineLogEntry, EngineProgress, EngineRunResult } from '../../engine.js';
import type { FileResult } from './worker-protocol.js';
import type { Vault } from './vault.js';
import { adoptUnindexedPacks } from './adopt-packs.js';

export interface BackupOptions {
  vault: Vault;
  set: string;
  /** Absolute source roots, checked to exist by the caller. */
  paths: string[];
  exclude: string[];
  /** Absolute paths never entered, whatever `exclude` says (the vault itself, when it lies inside `paths`). */
  skip?: readonly string[];
  signal: AbortSignal;
  onProgress?: (progress: EngineProgress) => void;
  now?: () => Date;
  lockDeadlineMs?: number;
}

export interface BackupStats {
  filesRead: number;
  bytesRead: number;
  /** Files taken from the parent snapshot without reading them (same size, mtime and inode). */
  filesUnchanged: number;
}

const BATCH_FILES = 128;
const BATCH_BYTES = 16 * 1024 * 1024;
const CHECKPOINT_PACKS = 32;

interface FileState {
  entry: TreeEntry;
  chunks: string[];
  read: number;
  failed: boolean;
}

/**
 * One backup run into an open vault. Resolves for everything that happens to the backup (see
 * BackupEngine.run); rejects only for bugs. Order of durable writes: packs (fsynced, with their
 * directories) → index files naming them → the snapshot naming the tree. A crash at any point
 * leaves only unreferenced packs or index entries, which later runs ignore and prune removes.
 */
export async function backup(options: BackupOptions): Promise<EngineRunResult & { stats: BackupStats }> {
  const { vault, signal } = options;
  const log: EngineLogEntry[] = [];
  const counters = { files: 0, bytesScanned: 0, bytesNew: 0, errors: 0, warnings: 0 };
  const stats: BackupStats = { filesRead: 0, bytesRead: 0, filesUnchanged: 0 };
  const report = (entry: EngineLogEntry) => {
    log.push(entry);
    if (entry.severity === 'error' || entry.severity === 'critical') counters.errors++;
    else if (entry.severity === 'warning') counters.warnings++;
  };
  const meter = new ProgressMeter(options.onProgress ?? (() => undefined));
  let lock: Awaited<ReturnType<typeof acquireLock>> | undefined;
  let pool: WorkerPool | undefined;
  let writer: PackWriter | undefined;
  let index: BlobIndex | undefined;
  const finish = (status: EngineRunResult['status'], snapshotId?: string) => ({ status, counters, log, stats, ...(snapshotId ? { snapshotId } : {}) });
  const checkpoint = async (final: boolean) => {
    const packs = final ? await writer!.flush() : await writer!.durable();
    if (packs.length === 0) return;
    await vault.writeObject('index', encodeIndex(packs));
    for (const pack of packs) index!.addPack(pack);
  };
  try {
    lock = await acquireLock(vault.backend, { exclusive: false, deadlineMs: options.lockDeadlineMs ?? 60_000, signal });
    index = (await vault.loadIndex()).index;
    // Offsite, an interrupted upload is costly to repeat: take in the packs it stored (adopt-packs.ts).
    if (!vault.backend.localPath) await adoptUnindexedPacks(vault, index, log, signal);
    const parent = (await loadSnapshots(vault, options.set)).at(-1);
    const previous = new Map<string, TreeEntry>();
    if (parent) {
      try {
        for (const entry of await loadTree(vault, index, parent)) previous.set(entry.path, entry);
      } catch (error) {
        report({ severity: 'warning', message: `parent snapshot ${parent.id.slice(0, 12)} is unreadable (${(error as Error).message}); every file is read again` });
      }
    }
    // Workers start with the first file that must be read: an unchanged tree needs none.
    const startPool = () => {
      const started = new WorkerPool(vault.keys);
      const known: Buffer[] = [];
      for (const [id] of index!.entries()) known.push(Buffer.from(id, 'hex'));
      started.announce(Buffer.concat(known));
      return started;
    };
    writer = new PackWriter(vault);
    const packs = writer;
    if (!vault.backend.localPath) meter.uploaded = () => packs.bytesWritten;

    const entries: (TreeEntry | undefined)[] = [];
    const states = new Map<number, FileState>();
    const batches = new Set<Promise<void>>();
    let failure: unknown;
    const onFiles = (files: FileResult[]) => {
      const fresh: Buffer[] = [];
      for (const result of files) {
        const state = states.get(result.fid)!;
        for (const chunk of result.chunks) {
          state.chunks.push(chunk.id);
          state.read += chunk.size;
          meter.bytesDone += chunk.size;
          if (chunk.payload && !index!.has(chunk.id) && !writer!.has(chunk.id)) {
            writer!.add(chunk.id, BLOB_TYPE.data, chunk.comp as Compression, chunk.size, Buffer.from(chunk.payload.buffer, chunk.payload.byteOffset, chunk.payload.byteLength));
            fresh.push(Buffer.from(chunk.id, 'hex'));
            counters.bytesNew += chunk.payload.byteLength;
          }
        }
        if (!result.done) continue;
        meter.filesDone++;
        states.delete(result.fid);
        const path = state.entry.path;
        if (result.error) {
          state.failed = true;
          entries[result.fid] = undefined;
          const what = result.error.code === 'ENOENT' ? 'vanished during the backup' : `cannot be read (${result.error.code})`;
          report({ severity: 'error', path, message: `${path}: ${what}; not in this snapshot` });
          continue;
        }
        stats.filesRead++;
        stats.bytesRead += state.read;
        if (state.read !== state.entry.size) {
          report({ severity: 'warning', path, message: `${path}: changed while being read (${state.entry.size} bytes listed, ${state.read} read)` });
          state.entry.size = state.read;
        }
        state.entry.chunks = state.chunks;
        counters.bytesScanned += state.read;
        counters.files++;
      }
      if (fresh.length) pool!.announce(Buffer.concat(fresh));
      meter.tick();
    };
    let batch: { fid: number; path: string }[] = [];
    let batchBytes = 0;
    const dispatch = async () => {
      if (batch.length === 0) return;
      const files = batch;
      batch = [];
      batchBytes = 0;
      pool ??= startPool();
      while (batches.size >= pool.size * 2) await Promise.race(batches);
      await writer!.ready();
      if (writer!.finishedCount >= CHECKPOINT_PACKS) await checkpoint(false);
      const running: Promise<void> = pool
        .submit({ kind: 'backup', files }, onFiles)
        .catch((error: unknown) => {
          failure ??= error;
        })
        .finally(() => batches.delete(running));
      batches.add(running);
    };

    const matcher = excludeMatcher(options.exclude);
    const skip = new Set(options.skip ?? []);
    const excluded = (absolutePath: string) => skip.has(absolutePath) || matcher(absolutePath);
    let bytesTotal = 0;
    for await (const item of walk(options.paths, excluded, report, signal)) {
      if (failure) throw failure;
      const s = item.stats;
      const entry: TreeEntry = {
        path: item.path,
        type: item.type,
        mode: Number(s.mode),
        mtimeNs: s.mtimeNs.toString(),
        size: item.type === 'file' ? Number(s.size) : 0,
        inode: s.ino.toString(),
        uid: Number(s.uid),
        gid: Number(s.gid),
      };
      if (item.target !== undefined) entry.target = item.target;
      const fid = entries.push(entry) - 1;
      if (item.type !== 'file') continue;
      bytesTotal += entry.size;
      meter.currentPath = item.path;
      const old = previous.get(item.path);
      if (old?.type === 'file' && old.size === entry.size && old.mtimeNs === entry.mtimeNs && old.inode === entry.inode && old.chunks?.every((id) => index!.has(id))) {
        entry.chunks = old.chunks;
        stats.filesUnchanged++;
        counters.files++;
        counters.bytesScanned += entry.size;
        meter.filesDone++;
        meter.bytesDone += entry.size;
        meter.tick();
        continue;
      }
      states.set(fid, { entry, chunks: [], read: 0, failed: false });
      batch.push({ fid, path: item.path });
      batchBytes += entry.size;
      if (batch.length >= BATCH_FILES || batchBytes >= BATCH_BYTES) await dispatch();
    }
    meter.filesTotal = entries.filter((entry) => entry?.type === 'file').length;
    meter.bytesTotal = bytesTotal;
    if (!signal.aborted) await dispatch();
    while (batches.size > 0) await Promise.race(batches);
    if (failure) throw failure;

    if (signal.aborted) {
      // Keep what was stored (the next run dedups against it); no snapshot for a partial tree.
      await checkpoint(true);
      report({ severity: 'warning', message: `stopped before the end: ${meter.filesDone} files processed; no snapshot was written, stored data will be reused by the next run` });
      return finish('incomplete');
    }

    const tree = storeTree(entries.filter((entry): entry is TreeEntry => entry !== undefined), vault.keys, index, writer);
    counters.bytesNew += tree.bytesNew;
    await checkpoint(true);
    const snapshot: Snapshot = {
      version: 1,
      set: options.set,
      time: (options.now?.() ?? new Date()).toISOString(),
      hostname: os.hostname(),
      paths: options.paths,
      exclude: options.exclude,
      tree: tree.ids,
      stats: { files: counters.files, dirs: entries.filter((entry) => entry?.type === 'dir').length, bytes: counters.bytesScanned, errors: counters.errors },
    };
    if (parent) snapshot.parent = parent.id;
    const snapshotId = await vault.writeObject('snapshots', Buffer.from(JSON.stringify(snapshot)));
    meter.tick(true);
    log.push({
      severity: 'info',
      message: `snapshot ${snapshotId.slice(0, 12)} of ${vault.root}: ${counters.files} files, ${stats.filesRead} read (${stats.bytesRead} bytes), ${stats.filesUnchanged} unchanged since the last snapshot, ${counters.bytesNew} bytes added to the vault`,
    });
    return finish(counters.errors > 0 ? 'completed-with-errors' : counters.warnings > 0 ? 'completed-with-warnings' : 'completed', snapshotId);
  } catch (error) {
    if (!isVigilError(error)) throw error;
    report({ severity: 'critical', message: error.message + (error.hint ? ` — ${error.hint}` : '') });
    return { ...finish('failed'), stoppedBy: runStopper(error) };
  } finally {
    await pool?.close();
    // The lock first: releasing it is a vault write, and closing ends a remote vault's connection.
    await lock?.release();
    await vault.close();
  }
}
