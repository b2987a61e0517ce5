import { damageSummary, type DamagedSnapshot } from '../../../domain/damage-report.js';
import { BlobIndex, decodeIndex, encodeIndex, type IndexedPack } from './blob-index.js';
import { loadDamageMarks, writeDamageMarks, type DamageMark } from './damage-marks.js';
import { checkPackData, type ExpectedBlob } from './pack-check.js';
import { ProgressMeter } from './progress.js';
import { loadSnapshot, type SnapshotInfo } from './snapshot.js';
import { stopIfUnreachable, vaultWriteError } from './vault-errors.js';
import { checkSnapshot } from './verify.js';
import type { EngineLogEntry, EngineProgress } from '../../engine.js';
import type { Vault } from './vault.js';

export interface RepairStats {
  packs: number;
  bytesRead: number;
  /** Intact blobs the new index lists. */
  blobs: number;
  /** Blob copies left out because they failed their check. */
  damagedBlobs: number;
  /** Index and damage mark files replaced by the new index. */
  filesReplaced: number;
  /** Whether the new index was written (a repair stopped before that changed nothing). */
  indexReplaced: boolean;
  snapshots: number;
  /** Snapshots that reference blobs intact nowhere in the vault, and their files. */
  unhealable: DamagedSnapshot[];
}

export interface RepairVaultOptions {
  vault: Vault;
  signal?: AbortSignal | undefined;
  onProgress?: ((progress: EngineProgress) => void) | undefined;
}

/**
 * Rebuilds the index from the packs: reads every pack on disk in full and lists only the blobs
 * whose content matches their id (found through the pack's header and the old index, so either
 * may be damaged). Then lists the snapshots that reference blobs intact nowhere: those cannot be
 * healed (a backup of unchanged files stores their chunks again and heals the rest). The caller
 * holds an exclusive lock.
 *
 * Crash-safety order: damage marks for what was found damaged (so old index files cannot lead a
 * backup back to it) → the new index (fsynced) → old index files deleted → marks deleted.
 * Interrupted anywhere, readers see the old index less the damage, or the new one. Stopped
 * (signal) before the new index is written, nothing is changed.
 */
export async function repairVault(options: RepairVaultOptions, log: EngineLogEntry[]): Promise<RepairStats> {
  const { vault } = options;
  const stats: RepairStats = { packs: 0, bytesRead: 0, blobs: 0, damagedBlobs: 0, filesReplaced: 0, indexReplaced: false, snapshots: 0, unhealable: [] };
  const error = (message: string, where?: string) => log.push({ severity: 'error', message, ...(where ? { path: where } : {}) });
  // Damage that the new index leaves behind is a warning; the verdict is the snapshots it costs.
  const warn = (message: string, where?: string) => log.push({ severity: 'warning', message, ...(where ? { path: where } : {}) });
  const hints = await oldIndexHints(vault, warn);
  const oldMarks = await loadDamageMarks(vault).catch((e: unknown) => {
    stopIfUnreachable(e);
    warn(`${(e as Error).message}; the new index replaces it`);
    return { marks: [] as DamageMark[], files: [] as string[] };
  });
  const onDisk = await vault.listPacks();
  const meter = new ProgressMeter(options.onProgress ?? (() => undefined));
  meter.filesTotal = onDisk.size;
  meter.bytesTotal = [...onDisk.values()].reduce((sum, size) => sum + size, 0);
  const packs: IndexedPack[] = [];
  const indexed = new Set<string>();
  const damaged: DamageMark[] = [];
  for (const packId of [...onDisk.keys()].sort()) {
    if (options.signal?.aborted) return stats;
    const where = vault.packPath(packId);
    meter.currentPath = where;
    stats.packs++;
    try {
      const check = checkPackData(await vault.readPack(packId), where, vault.keys, packId, hints.get(packId) ?? [], true);
      stats.bytesRead += check.bytesRead;
      meter.bytesDone += check.bytesRead;
      for (const problem of check.problems) log.push({ severity: 'warning', message: problem, path: where });
      for (const { blob, reason } of check.damaged) {
        warn(`${reason}: left out of the index`, where);
        damaged.push({ packId, blobId: blob.id });
      }
      const blobs = check.intact.filter((blob) => !indexed.has(blob.id));
      for (const blob of blobs) indexed.add(blob.id);
      if (blobs.length) packs.push({ packId, blobs: blobs.map((blob) => ({ ...blob, id: Buffer.from(blob.id, 'hex') })) });
    } catch (e) {
      stopIfUnreachable(e);
      warn(`${where}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); its blobs are left out of the index`, where);
    }
    meter.filesDone++;
    meter.tick();
  }
  await vault.close();
  if (options.signal?.aborted) return stats;
  stats.blobs = indexed.size;
  stats.damagedBlobs = damaged.length;
  await replaceIndex(vault, packs, damaged, [...hints.files], oldMarks.files, stats);

  const index = new BlobIndex();
  for (const pack of packs) index.addPack(pack);
  for (const snapshot of await snapshotsReporting(vault, error)) {
    if (options.signal?.aborted) break;
    stats.snapshots++;
    const lost = await checkSnapshot(vault, index, snapshot, error);
    if (lost) stats.unhealable.push(lost);
  }
  await vault.close();
  if (stats.unhealable.length) {
    log.unshift({ severity: 'error', message: `cannot be healed: ${damageSummary(vault.root, [], stats.unhealable)}` });
  }
  meter.tick(true);
  return stats;
}

async function replaceIndex(vault: Vault, packs: IndexedPack[], damaged: DamageMark[], oldIndexFiles: string[], oldMarkFiles: string[], stats: RepairStats): Promise<void> {
  await writeDamageMarks(vault, damaged);
  const fresh = await vault.writeObject('index', encodeIndex(packs));
  stats.indexReplaced = true;
  try {
    const old = oldIndexFiles.filter((id) => id !== fresh);
    await vault.deleteObjects('index', old);
    stats.filesReplaced += old.length;
    // Marks only matter while an index lists damaged copies; the new one lists none.
    const marks = new Set([...oldMarkFiles, ...(await vault.listObjects('damaged'))]);
    await vault.deleteObjects('damaged', marks);
    stats.filesReplaced += oldMarkFiles.length;
  } catch (e) {
    throw vaultWriteError(vault.root, e, 'replacing the index');
  }
}

/** Where the old index files place blobs, per pack (every copy), and the index files themselves. */
async function oldIndexHints(vault: Vault, error: (message: string, where?: string) => void): Promise<Map<string, ExpectedBlob[]> & { files: string[] }> {
  const hints = Object.assign(new Map<string, ExpectedBlob[]>(), { files: await vault.listObjects('index') });
  for (const id of hints.files) {
    try {
      for (const pack of decodeIndex(await vault.readObject('index', id), vault.objectPath('index', id))) {
        const list = hints.get(pack.packId) ?? [];
        for (const blob of pack.blobs) list.push({ ...blob, id: blob.id.toString('hex') });
        hints.set(pack.packId, list);
      }
    } catch (e) {
      stopIfUnreachable(e);
      error(`${(e as Error).message}; the new index replaces it`, vault.objectPath('index', id));
    }
  }
  return hints;
}

async function snapshotsReporting(vault: Vault, error: (message: string, where?: string) => void): Promise<SnapshotInfo[]> {
  const out: SnapshotInfo[] = [];
  for (const id of await vault.listObjects('snapshots')) {
    try {
      out.push(await loadSnapshot(vault, id));
    } catch (e) {
      stopIfUnreachable(e);
      error(`${(e as Error).message} (this snapshot cannot be healed)`, vault.objectPath('snapshots', id));
    }
  }
  return out;
}
