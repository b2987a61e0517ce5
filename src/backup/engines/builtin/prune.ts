import { encodeIndex, type IndexedPack } from './blob-index.js';
import { corrupt } from './crypto.js';
import { PackWriter } from './pack-writer.js';
import { applyRetention, type KeepPolicy } from './retention.js';
import { loadSnapshots, loadTree, type SnapshotInfo } from './snapshot.js';
import { vaultWriteError } from './vault-errors.js';
import type { EngineLogEntry, EngineProgress } from '../../engine.js';
import { ProgressMeter } from './progress.js';
import type { PackBlob } from './pack-format.js';
import type { Vault } from './vault.js';

export interface PruneVaultOptions {
  vault: Vault;
  /** The set whose snapshots the policy applies to; other sets' snapshots are never removed. */
  set: string;
  keep: KeepPolicy;
  /** Report what would happen; change nothing. */
  dryRun?: boolean | undefined;
  /** Snapshots read (the slow part: every remaining snapshot's tree), then packs rewritten. */
  onProgress?: ((progress: EngineProgress) => void) | undefined;
}

export interface PruneStats {
  snapshotsRemoved: string[];
  snapshotsKept: number;
  packsDeleted: number;
  packsRewritten: number;
  bytesFreed: number;
}

/** A pack wasting at least this share of its bytes on unused blobs is rewritten. */
const REPACK_WASTE = 0.05;

/**
 * Forgets the set's snapshots the policy does not keep, then reclaims every blob no remaining
 * snapshot (of any set: the vault is shared) references, plus packs and temporary files left by
 * interrupted runs. The caller holds an exclusive lock.
 *
 * Crash-safety order: removed snapshots → new packs for still-used blobs of wasteful packs
 * (fsynced) → a fresh index of everything kept (fsynced) → old index files deleted → obsolete
 * packs deleted. Interrupted anywhere, the vault stays consistent; rerunning prune finishes the job.
 * If any snapshot's tree cannot be read, nothing is deleted (it is unknown what that tree needs).
 */
export async function pruneVault(options: PruneVaultOptions, log: EngineLogEntry[]): Promise<PruneStats> {
  const { vault } = options;
  const stats: PruneStats = { snapshotsRemoved: [], snapshotsKept: 0, packsDeleted: 0, packsRewritten: 0, bytesFreed: 0 };
  const { index, files: oldIndexFiles } = await vault.loadIndex();
  const all = await loadSnapshots(vault);
  const decision = applyRetention(all.filter((snapshot) => snapshot.set === options.set), options.keep);
  const removed = new Set(decision.remove.map((snapshot) => snapshot.id));
  const remaining: SnapshotInfo[] = all.filter((snapshot) => !removed.has(snapshot.id));
  stats.snapshotsKept = decision.keep.length;
  stats.snapshotsRemoved = [...removed];
  // The plan, newest first: what `vigil prune --dry-run` shows, and what the activity log keeps.
  for (const snapshot of all.filter((s) => s.set === options.set).sort((a, b) => b.time.localeCompare(a.time))) {
    const why = decision.reasons.get(snapshot.id);
    log.push({ severity: 'info', message: why ? `keep   ${snapshot.id.slice(0, 12)} ${snapshot.time} (${why.join(', ')})` : `remove ${snapshot.id.slice(0, 12)} ${snapshot.time} (no keep rule selects it)` });
  }

  const meter = new ProgressMeter(options.onProgress ?? (() => undefined));
  meter.unit = 'snapshots';
  meter.filesTotal = remaining.length;
  const used = new Set<string>();
  for (const snapshot of remaining) {
    meter.filesDone++;
    meter.tick();
    for (const id of snapshot.tree) used.add(id);
    let entries;
    try {
      entries = await loadTree(vault, index, snapshot);
    } catch (error) {
      throw corrupt(vault.objectPath('snapshots', snapshot.id), `its tree cannot be read, so prune cannot tell which data it needs; nothing was deleted (${(error as Error).message})`);
    }
    for (const entry of entries) for (const id of entry.chunks ?? []) used.add(id);
  }
  for (const id of used) {
    if (!index.has(id)) log.push({ severity: 'warning', message: `blob ${id.slice(0, 12)} is referenced but missing from the vault; run \`verify\`` });
  }

  const onDisk = await vault.listPacks();
  const byPack = new Map<string, { id: string; blob: PackBlob }[]>();
  for (const [id, location] of index.entries()) {
    const blob: PackBlob = { id: Buffer.from(id, 'hex'), type: location.type, comp: location.comp, offset: location.offset, length: location.length, rawLength: location.rawLength };
    const list = byPack.get(location.packId);
    if (list) list.push({ id, blob });
    else byPack.set(location.packId, [{ id, blob }]);
  }
  const keepPacks: IndexedPack[] = [];
  const rewrite: { packId: string; blobs: { id: string; blob: PackBlob }[] }[] = [];
  const deletePacks: string[] = [];
  for (const [packId, size] of onDisk) {
    const blobs = byPack.get(packId);
    const live = blobs?.filter((entry) => used.has(entry.id)) ?? [];
    if (live.length === 0) {
      deletePacks.push(packId);
      stats.bytesFreed += size;
      continue;
    }
    const liveBytes = live.reduce((sum, entry) => sum + entry.blob.length, 0);
    // Waste is unused blobs, not the pack's header: a small pack with every blob live is not worth
    // rewriting (and rewritten, it would be the same bytes under the same name).
    const wasted = blobs!.reduce((sum, entry) => sum + entry.blob.length, 0) - liveBytes;
    if (wasted > size * REPACK_WASTE) {
      rewrite.push({ packId, blobs: live });
      deletePacks.push(packId);
      stats.bytesFreed += size - liveBytes;
    } else keepPacks.push({ packId, blobs: blobs!.map((entry) => entry.blob) });
  }
  stats.packsDeleted = deletePacks.length - rewrite.length;
  stats.packsRewritten = rewrite.length;
  meter.tick(true);
  if (options.dryRun) return stats;

  try {
    await vault.deleteObjects('snapshots', removed);
    const writer = new PackWriter(vault);
    meter.unit = 'packs rewritten';
    meter.filesDone = 0;
    meter.filesTotal = rewrite.length;
    for (const pack of rewrite) {
      meter.filesDone++;
      meter.tick();
      for (const { id, blob } of pack.blobs) {
        await writer.ready();
        // Stored bytes are copied as they are: no need to decrypt or recompress.
        const payload = await vault.readRaw(pack.packId, blob.offset, blob.length);
        writer.add(id, blob.type, blob.comp, blob.rawLength, payload);
      }
    }
    const newPacks = await writer.flush();
    const fresh = await vault.writeObject('index', encodeIndex([...keepPacks, ...newPacks]));
    await vault.deleteObjects('index', oldIndexFiles.filter((id) => id !== fresh));
    await vault.close();
    // Content-addressed: a rewritten pack can come out with an old pack's name. Never delete what the new index names.
    const named = new Set([...keepPacks, ...newPacks].map((pack) => pack.packId));
    for (const packId of deletePacks) if (!named.has(packId)) await vault.backend.delete(vault.packName(packId));
    // Temporary files are only ever written under a lock; with ours exclusive, any left are debris.
    for (const file of (await vault.backend.list('tmp')).files) await vault.backend.delete(`tmp/${file.name}`);
    await vault.backend.sync();
  } catch (error) {
    throw vaultWriteError(vault.root, error, 'pruning');
  }
  return stats;
}
