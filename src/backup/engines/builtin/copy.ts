import { VigilError } from '../../../domain/errors.js';
import { encodeIndex, type IndexedPack } from './blob-index.js';
import { BLOB_TYPE, encodeBlob } from './codec.js';
import { blobId } from './crypto.js';
import { adoptUnindexedPacks } from './adopt-packs.js';
import { checkPackData } from './pack-check.js';
import { PackWriter } from './pack-writer.js';
import { ProgressMeter } from './progress.js';
import { loadSnapshots, loadTree, pickSnapshot, type Snapshot, type SnapshotInfo, type TreeEntry } from './snapshot.js';
import { storeTree } from './tree-writer.js';
import type { EngineLogEntry, EngineProgress } from '../../engine.js';
import type { Vault } from './vault.js';

export interface CopyOptions {
  from: Vault;
  to: Vault;
  /** Only the snapshots of this set. */
  set?: string | undefined;
  /** Only this snapshot (id or unique prefix); with `set`, among that set's. */
  snapshot?: string | undefined;
  signal?: AbortSignal | undefined;
  onProgress?: ((progress: EngineProgress) => void) | undefined;
}

export interface CopyStats {
  snapshotsCopied: number;
  /** Snapshots DST already holds (copied before, by an earlier or interrupted copy). */
  snapshotsSkipped: number;
  /** Chunks DST lacked and that were sent, and their stored bytes. */
  blobsSent: number;
  bytesSent: number;
  /** Packs written to DST, each read back and checked before the index named it. */
  packsVerified: number;
  /** Bytes of packs an interrupted copy had stored, taken in instead of sent again. */
  bytesResumed: number;
}

/** Index the packs written so far (after reading them back) every this many packs. */
const CHECKPOINT_PACKS = 16;

/**
 * Copies snapshots from one vault to another (restic's `copy`): local → offsite for the 3-2-1
 * rule, or back. Two vaults have their own keys, so every chunk is read from SRC, checked against
 * its id (decodeBlob), and stored in DST under DST's id and encryption; a chunk DST already holds
 * (by id) is not sent. The tree is rewritten with DST's ids; the snapshot keeps its set, time,
 * host and paths and records `original`, the SRC snapshot's id, so a copy run twice copies nothing
 * the second time.
 *
 * Verification: every pack written to DST is read back and checked (its SHA-256 against its name,
 * every blob against its id) before an index names it. Crash safety is the backup's: packs, then
 * the index naming them, then the snapshot; a copy killed part-way leaves packs no index names,
 * which the next copy takes in (adopt-packs.ts) instead of sending them again. The caller holds a
 * shared lock on both vaults.
 */
export async function copySnapshots(options: CopyOptions, log: EngineLogEntry[]): Promise<CopyStats> {
  const { from, to, signal } = options;
  const stats: CopyStats = { snapshotsCopied: 0, snapshotsSkipped: 0, blobsSent: 0, bytesSent: 0, packsVerified: 0, bytesResumed: 0 };
  const source = (await from.loadIndex()).index;
  const target = (await to.loadIndex()).index;
  stats.bytesResumed = await adoptUnindexedPacks(to, target, log, signal);
  const candidates = await loadSnapshots(from, options.set);
  const chosen = options.snapshot === undefined ? candidates : [pickSnapshot(candidates, options.set ?? 'any set', options.snapshot)];
  const present = new Set((await loadSnapshots(to)).map(originOf));
  const todo = chosen.filter((snapshot) => !present.has(originOf(snapshot)));
  stats.snapshotsSkipped = chosen.length - todo.length;

  const meter = new ProgressMeter(options.onProgress ?? (() => undefined));
  const trees = new Map<string, TreeEntry[]>();
  for (const snapshot of todo) trees.set(snapshot.id, await loadTree(from, source, snapshot));
  meter.filesTotal = [...trees.values()].reduce((sum, entries) => sum + entries.filter((e) => e.type === 'file').length, 0);
  meter.bytesTotal = [...trees.values()].reduce((sum, entries) => sum + entries.reduce((s, e) => s + (e.type === 'file' ? e.size : 0), 0), 0);

  const writer = new PackWriter(to);
  meter.uploaded = () => writer.bytesWritten;
  const commit = async (final: boolean) => {
    const packs = final ? await writer.flush() : await writer.durable();
    // One at a time: a checkpoint's packs together are 128 MiB.
    for (const pack of packs) verifyWritten(to, pack, await to.readPack(pack.packId));
    stats.packsVerified += packs.length;
    if (packs.length === 0) return;
    await to.writeObject('index', encodeIndex(packs));
    for (const pack of packs) target.addPack(pack);
  };
  // Both unencrypted: ids are plain SHA-256 in both, so a chunk DST holds need not even be read.
  const sameIds = from.keys.idKey === null && to.keys.idKey === null;
  const carried = new Map<string, string>();
  const carry = async (id: string): Promise<string> => {
    const known = carried.get(id) ?? (sameIds && target.has(id) ? id : undefined);
    if (known) return known;
    const location = source.get(id);
    if (!location) throw new VigilError('ERR_VAULT_CORRUPT', `${from.root}: chunk ${id.slice(0, 12)} is not in the index; the snapshot cannot be copied`, { hint: `Run \`vigil verify\` on the source set, then \`vigil repair\`.` });
    const raw = await from.readBlob(id, location);
    const newId = blobId(raw, to.keys.idKey).toString('hex');
    if (!target.has(newId) && !writer.has(newId)) {
      const encoded = encodeBlob(raw, to.keys.encKey);
      writer.add(newId, BLOB_TYPE.data, encoded.comp, raw.length, encoded.payload);
      stats.blobsSent++;
      stats.bytesSent += encoded.payload.length;
      await writer.ready();
      if (writer.finishedCount >= CHECKPOINT_PACKS) await commit(false);
    }
    carried.set(id, newId);
    return newId;
  };

  const copiedAs = new Map<string, string>();
  for (const snapshot of todo) {
    if (signal?.aborted) break;
    const entries: TreeEntry[] = [];
    for (const entry of trees.get(snapshot.id)!) {
      if (signal?.aborted) break;
      const copy = { ...entry };
      if (entry.chunks) {
        meter.currentPath = entry.path;
        copy.chunks = [];
        for (const id of entry.chunks) copy.chunks.push(await carry(id));
        meter.filesDone++;
        meter.bytesDone += entry.size;
        meter.tick();
      }
      entries.push(copy);
    }
    if (signal?.aborted) break;
    const tree = storeTree(entries, to.keys, target, writer);
    stats.bytesSent += tree.bytesNew;
    await commit(true);
    const { id: _id, parent, ...rest } = snapshot;
    const copied: Snapshot = { ...rest, tree: tree.ids, original: originOf(snapshot) };
    const parentCopy = parent === undefined ? undefined : copiedAs.get(parent);
    if (parentCopy) copied.parent = parentCopy;
    const newId = await to.writeObject('snapshots', Buffer.from(JSON.stringify(copied)));
    copiedAs.set(snapshot.id, newId);
    stats.snapshotsCopied++;
    log.push({ severity: 'info', message: `snapshot ${snapshot.id.slice(0, 12)} (${snapshot.set}, ${snapshot.time}) copied to ${to.root} as ${newId.slice(0, 12)}` });
  }
  // Stopped: what was sent is indexed (read back first), so the next copy does not send it again.
  if (signal?.aborted) await commit(true);
  meter.tick(true);
  return stats;
}

/** The id that says "the same snapshot" across vaults: the first vault's id. */
function originOf(snapshot: SnapshotInfo): string {
  return snapshot.original ?? snapshot.id;
}

/**
 * A pack read back from DST must be what was sent: its SHA-256 its name, every blob decoding to
 * its id. Throws ERR_VAULT_CORRUPT, so no index names a pack the vault did not store faithfully.
 */
function verifyWritten(vault: Vault, pack: IndexedPack, bytes: Buffer): void {
  const where = vault.packPath(pack.packId);
  const expected = pack.blobs.map((blob) => ({ ...blob, id: blob.id.toString('hex') }));
  const check = checkPackData(bytes, where, vault.keys, pack.packId, expected);
  const problems = [...check.problems, ...check.damaged.map((d) => d.reason)];
  if (problems.length) {
    throw new VigilError('ERR_VAULT_CORRUPT', `${where}: read back after the copy wrote it, it is not what was sent (${problems[0]})`, {
      hint: 'The destination stored the data wrongly (disk or server fault). Nothing names that pack; check the destination, then copy again.',
    });
  }
}
