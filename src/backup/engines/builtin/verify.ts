import { VigilError } from '../../../domain/errors.js';
import { BlobIndex, decodeIndex, type BlobLocation } from './blob-index.js';
import { damageSummary, type DamagedSnapshot } from '../../../domain/damage-report.js';
import { loadDamageMarks, writeDamageMarks, type DamageMark } from './damage-marks.js';
import { describeSubset, inSubset, type DataSubset } from '../../../domain/data-subset.js';
import { checkPackData } from './pack-check.js';
import { ProgressMeter } from './progress.js';
import { stopIfUnreachable } from './vault-errors.js';
import { loadSnapshot, loadTree, type SnapshotInfo } from './snapshot.js';
import type { EngineLogEntry, EngineProgress } from '../../engine.js';
import type { Vault } from './vault.js';

export interface VerifyStats {
  snapshots: number;
  packs: number;
  /** Packs whose data was read and re-hashed (all with readData, a slice with a subset). */
  packsRead: number;
  blobs: number;
  bytesRead: number;
  errors: number;
  /** Packs no index refers to (left by an interrupted run); `prune` removes them. */
  unreferencedPacks: number;
  /** Blob copies found damaged by this check (now marked, so backups store them afresh). */
  damagedBlobs: number;
  /** Snapshots with files that cannot be restored, and those files. */
  damagedSnapshots: DamagedSnapshot[];
}

export interface VerifyVaultOptions {
  vault: Vault;
  readData: boolean;
  /** With readData: read only this slice of the packs (the weekly check's rotation). */
  subset?: DataSubset | undefined;
  signal?: AbortSignal | undefined;
  onProgress?: ((progress: EngineProgress) => void) | undefined;
}

/**
 * Checks a vault. Structure: every index and snapshot file opens and matches its name, every
 * pack the index names exists with a header matching the index, every tree loads, and every
 * chunk of every file is indexed. With readData, every pack (or the packs of one slice) is read
 * in full: its SHA-256 must match its name and every blob the index places there must decode to
 * its id. Each problem is an error entry; damage also gets a first entry naming every snapshot
 * and file it affects. Copies found damaged are recorded as damage marks, so the next backup
 * stores those chunks afresh instead of reusing damaged data.
 */
export async function verifyVault(options: VerifyVaultOptions, log: EngineLogEntry[]): Promise<VerifyStats> {
  const { vault } = options;
  const stats: VerifyStats = { snapshots: 0, packs: 0, packsRead: 0, blobs: 0, bytesRead: 0, errors: 0, unreferencedPacks: 0, damagedBlobs: 0, damagedSnapshots: [] };
  const fail = (message: string, where?: string) => {
    stats.errors++;
    log.push({ severity: 'error', message, ...(where ? { path: where } : {}) });
  };
  const index = await loadIndexReporting(vault, fail);
  const onDisk = await vault.listPacks();
  const byPack = new Map<string, [string, BlobLocation][]>();
  for (const entry of index.entries()) {
    const list = byPack.get(entry[1].packId);
    if (list) list.push(entry);
    else byPack.set(entry[1].packId, [entry]);
  }
  const fresh: DamageMark[] = [];
  const damagedFiles = new Set<string>();
  const meter = new ProgressMeter(options.onProgress ?? (() => undefined));
  const reading = (packId: string) => options.readData && inSubset(packId, options.subset);
  meter.filesTotal = byPack.size;
  meter.bytesTotal = [...byPack.keys()].reduce((sum, packId) => sum + (reading(packId) ? (onDisk.get(packId) ?? 0) : 0), 0);
  for (const [packId, entries] of byPack) {
    if (options.signal?.aborted) break;
    const where = vault.packPath(packId);
    const damage = (ids: readonly string[]) => {
      if (ids.length === 0) return;
      damagedFiles.add(where);
      for (const blobId of ids) fresh.push({ packId, blobId });
    };
    stats.packs++;
    stats.blobs += entries.length;
    meter.filesDone++;
    meter.currentPath = where;
    if (!onDisk.has(packId)) {
      fail(`${where}: pack file is missing (${entries.length} blobs lost)`, where);
      damage(entries.map(([id]) => id));
      continue;
    }
    try {
      if (reading(packId)) {
        const check = checkPackData(await vault.readPack(packId), where, vault.keys, packId, entries.map(([id, at]) => ({ id, ...at })));
        stats.packsRead++;
        stats.bytesRead += check.bytesRead;
        meter.bytesDone += check.bytesRead;
        // A pack whose every listed blob is intact can restore everything it holds: damage to its
        // header or to copies set aside earlier is a warning, not a verdict of lost data.
        for (const problem of check.problems) {
          if (check.damaged.length) fail(problem, where);
          else log.push({ severity: 'warning', message: `${problem}; every blob the index uses from it is intact${index.hasDamagedIn(packId) ? ' (its damaged copies were set aside earlier; `vigil repair` and `prune` reclaim them)' : ''}`, path: where });
        }
        for (const { reason } of check.damaged) fail(reason, where);
        damage(check.damaged.map(({ blob }) => blob.id));
      } else {
        const inPack = new Set((await vault.readPackHeader(packId)).map((blob) => blob.id.toString('hex')));
        const absent = entries.map(([id]) => id).filter((id) => !inPack.has(id));
        if (absent.length) {
          fail(`${where}: header does not list ${absent.length} blobs the index places there`, where);
          damage(absent);
        }
      }
    } catch (error) {
      stopIfUnreachable(error);
      fail((error as Error).message, where);
      // A pack that cannot be read now (permissions, I/O) is not known to be damaged: not marked.
      if (!unreadable(error)) damage(entries.map(([id]) => id));
    }
    meter.tick();
  }
  await vault.close();
  if (fresh.length) {
    try {
      await writeDamageMarks(vault, fresh);
      stats.damagedBlobs = fresh.length;
    } catch (error) {
      stopIfUnreachable(error);
      // A read-only vault still gets its verdict; only the protection of the next backup is lost.
      fail(`the damaged data could not be set aside, so the next backup may reuse it: ${(error as Error).message}`, vault.root);
    }
    for (const mark of fresh) index.markDamaged(mark.packId, mark.blobId);
  }
  for (const packId of onDisk.keys()) if (!byPack.has(packId)) stats.unreferencedPacks++;
  if (stats.unreferencedPacks > 0) {
    log.push({ severity: 'info', message: `${stats.unreferencedPacks} pack files are not in any index (left by an interrupted run); \`prune\` removes them` });
  }
  for (const snapshot of await loadSnapshotsReporting(vault, fail)) {
    stats.snapshots++;
    const damaged = await checkSnapshot(vault, index, snapshot, fail);
    if (damaged) stats.damagedSnapshots.push(damaged);
  }
  await vault.close();
  if (options.readData && options.subset) log.push({ severity: 'info', message: `data of slice ${describeSubset(options.subset)} read: ${stats.packsRead} of ${stats.packs} packs` });
  if (stats.damagedSnapshots.length || damagedFiles.size) {
    // First, so it is the activity's firstError: the fault and the summary name the damage.
    log.unshift({ severity: 'error', message: damageSummary(vault.root, [...damagedFiles], stats.damagedSnapshots) });
    stats.errors++;
  }
  meter.tick(true);
  return stats;
}

/** An error reading a file (errno other than ENOENT), as opposed to content found damaged. */
function unreadable(error: unknown): boolean {
  // Permissions, an unreachable server: the pack cannot be read now, which says nothing of its bytes.
  if (error instanceof VigilError && error.code !== 'ERR_VAULT_CORRUPT') return true;
  const own = (error as NodeJS.ErrnoException).code;
  const code = own !== undefined && own !== 'ERR_VAULT_CORRUPT' ? own : /\((E[A-Z]+)\)$/.exec((error as Error).message)?.[1];
  return code !== undefined && /^E[A-Z]+$/.test(code) && code !== 'ENOENT';
}

/** Every chunk of every file of the snapshot must have an intact copy; returns what has not. */
export async function checkSnapshot(vault: Vault, index: BlobIndex, snapshot: SnapshotInfo, fail: (message: string, where?: string) => void): Promise<DamagedSnapshot | undefined> {
  const name = `snapshot ${snapshot.id.slice(0, 12)} (${snapshot.set}, ${snapshot.time})`;
  const damaged: DamagedSnapshot = { id: snapshot.id, set: snapshot.set, time: snapshot.time, files: [] };
  let entries;
  try {
    entries = await loadTree(vault, index, snapshot);
  } catch (error) {
    stopIfUnreachable(error);
    fail(`${name}: tree cannot be read: ${(error as Error).message}`, vault.objectPath('snapshots', snapshot.id));
    return { ...damaged, treeUnreadable: true };
  }
  for (const entry of entries) {
    for (const id of entry.chunks ?? []) {
      if (index.has(id)) continue;
      const pack = index.damagedIn(id);
      fail(pack ? `${entry.path} in ${name} is damaged (pack ${vault.packPath(pack)})` : `${entry.path} in ${name}: chunk ${id.slice(0, 12)} is missing from the vault`, entry.path);
      damaged.files.push(entry.path);
      break;
    }
  }
  return damaged.files.length ? damaged : undefined;
}

/** The index less the copies marked damaged; an unreadable index or mark file is reported, not fatal. */
async function loadIndexReporting(vault: Vault, fail: (message: string, where?: string) => void): Promise<BlobIndex> {
  const index = new BlobIndex();
  try {
    for (const mark of (await loadDamageMarks(vault)).marks) index.markDamaged(mark.packId, mark.blobId);
  } catch (error) {
    stopIfUnreachable(error);
    fail((error as Error).message);
  }
  for (const id of await vault.listObjects('index')) {
    try {
      for (const pack of decodeIndex(await vault.readObject('index', id), vault.objectPath('index', id))) index.addPack(pack);
    } catch (error) {
      stopIfUnreachable(error);
      fail((error as Error).message, vault.objectPath('index', id));
    }
  }
  return index;
}

async function loadSnapshotsReporting(vault: Vault, fail: (message: string, where?: string) => void): Promise<SnapshotInfo[]> {
  const good: SnapshotInfo[] = [];
  for (const id of await vault.listObjects('snapshots')) {
    try {
      good.push(await loadSnapshot(vault, id));
    } catch (error) {
      stopIfUnreachable(error);
      fail((error as Error).message, vault.objectPath('snapshots', id));
    }
  }
  return good;
}
