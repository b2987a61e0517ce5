import { promises as fsp } from 'node:fs';
import { BlobIndex, decodeIndex } from './blob-index.js';
import { decodeBlob } from './codec.js';
import { sha256 } from './crypto.js';
import { decodePackHeader } from './pack-format.js';
import { ProgressMeter } from './progress.js';
import { loadSnapshot, loadTree, type SnapshotInfo } from './snapshot.js';
import type { EngineLogEntry, EngineProgress } from '../../engine.js';
import type { Vault } from './vault.js';

export interface VerifyStats {
  snapshots: number;
  packs: number;
  blobs: number;
  bytesRead: number;
  errors: number;
  /** Packs no index refers to (left by an interrupted run); `prune` removes them. */
  unreferencedPacks: number;
}

export interface VerifyVaultOptions {
  vault: Vault;
  readData: boolean;
  signal?: AbortSignal | undefined;
  onProgress?: ((progress: EngineProgress) => void) | undefined;
}

/**
 * Checks a vault. Structure: every index and snapshot file opens and matches its name, every
 * pack the index names exists with a header matching the index, every tree loads, and every
 * chunk of every file is indexed. With readData, every pack is read in full: its SHA-256 must
 * match its name and every blob must decode to its id. Each problem is an error entry naming the
 * vault file and, for damaged data, every snapshot file (source path) that depends on it.
 */
export async function verifyVault(options: VerifyVaultOptions, log: EngineLogEntry[]): Promise<VerifyStats> {
  const { vault } = options;
  const stats: VerifyStats = { snapshots: 0, packs: 0, blobs: 0, bytesRead: 0, errors: 0, unreferencedPacks: 0 };
  const fail = (message: string, where?: string) => {
    stats.errors++;
    log.push({ severity: 'error', message, ...(where ? { path: where } : {}) });
  };
  const index = new BlobIndex();
  for (const id of await vault.listObjects('index')) {
    try {
      for (const pack of decodeIndex(await vault.readObject('index', id), vault.objectPath('index', id))) index.addPack(pack);
    } catch (error) {
      fail((error as Error).message, vault.objectPath('index', id));
    }
  }
  const onDisk = await vault.listPacks();
  const damaged = new Map<string, string>(); // blob id → pack path
  const byPack = new Map<string, string[]>();
  for (const [id, location] of index.entries()) {
    const list = byPack.get(location.packId);
    if (list) list.push(id);
    else byPack.set(location.packId, [id]);
  }
  const meter = new ProgressMeter(options.onProgress ?? (() => undefined));
  meter.filesTotal = byPack.size;
  meter.bytesTotal = [...byPack.keys()].reduce((sum, packId) => sum + (onDisk.get(packId) ?? 0), 0);
  for (const [packId, ids] of byPack) {
    if (options.signal?.aborted) break;
    const where = vault.packPath(packId);
    const markAll = () => ids.forEach((id) => damaged.set(id, where));
    stats.packs++;
    meter.filesDone++;
    meter.currentPath = where;
    if (!onDisk.has(packId)) {
      fail(`${where}: pack file is missing (${ids.length} blobs lost)`, where);
      markAll();
      continue;
    }
    try {
      if (options.readData) {
        const bytes = await fsp.readFile(where);
        stats.bytesRead += bytes.length;
        meter.bytesDone += bytes.length;
        if (sha256(bytes).toString('hex') !== packId) fail(`${where}: pack content does not match its name (damaged)`, where);
        const blobs = decodePackHeader(bytes.subarray(Math.max(0, bytes.length - bytes.readUInt32LE(bytes.length - 4) - 4)), bytes.length, vault.keys.encKey, where);
        for (const blob of blobs) {
          const id = blob.id.toString('hex');
          stats.blobs++;
          try {
            decodeBlob(bytes.subarray(blob.offset, blob.offset + blob.length), blob.comp, blob.rawLength, blob.id, vault.keys, `${where} (blob ${id.slice(0, 12)})`);
          } catch (error) {
            fail((error as Error).message, where);
            damaged.set(id, where);
          }
        }
      } else {
        const blobs = await vault.readPackHeader(packId);
        const inPack = new Set(blobs.map((blob) => blob.id.toString('hex')));
        stats.blobs += ids.length;
        const absent = ids.filter((id) => !inPack.has(id));
        if (absent.length) {
          fail(`${where}: header does not list ${absent.length} blobs the index places there`, where);
          absent.forEach((id) => damaged.set(id, where));
        }
      }
    } catch (error) {
      fail((error as Error).message, where);
      markAll();
    }
    meter.tick();
  }
  await vault.close();
  for (const packId of onDisk.keys()) if (!byPack.has(packId)) stats.unreferencedPacks++;
  if (stats.unreferencedPacks > 0) {
    log.push({ severity: 'info', message: `${stats.unreferencedPacks} pack files are not in any index (left by an interrupted run); \`prune\` removes them` });
  }
  for (const snapshot of await loadSnapshotsReporting(vault, fail)) {
    stats.snapshots++;
    const name = `snapshot ${snapshot.id.slice(0, 12)} (${snapshot.set}, ${snapshot.time})`;
    let entries;
    try {
      entries = await loadTree(vault, index, snapshot);
    } catch (error) {
      fail(`${name}: tree cannot be read: ${(error as Error).message}`, vault.objectPath('snapshots', snapshot.id));
      continue;
    }
    for (const entry of entries) {
      for (const id of entry.chunks ?? []) {
        if (!index.has(id)) {
          fail(`${entry.path} in ${name}: chunk ${id.slice(0, 12)} is missing from the vault`, entry.path);
          break;
        }
        const pack = damaged.get(id);
        if (pack) {
          fail(`${entry.path} in ${name} is damaged (pack ${pack})`, entry.path);
          break;
        }
      }
    }
  }
  await vault.close();
  meter.tick(true);
  return stats;
}

async function loadSnapshotsReporting(vault: Vault, fail: (message: string, where?: string) => void): Promise<SnapshotInfo[]> {
  const good: SnapshotInfo[] = [];
  for (const id of await vault.listObjects('snapshots')) {
    try {
      good.push(await loadSnapshot(vault, id));
    } catch (error) {
      fail((error as Error).message, vault.objectPath('snapshots', id));
    }
  }
  return good;
}
