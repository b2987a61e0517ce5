import { corrupt } from './crypto.js';
import { mapInParallel } from './in-parallel.js';
import type { BlobIndex } from './blob-index.js';
import type { Vault } from './vault.js';

/**
 * One entry of a snapshot's tree. Paths are absolute, as they were on the source host; entries
 * are in depth-first order, each directory before its contents.
 */
export interface TreeEntry {
  path: string;
  type: 'file' | 'dir' | 'symlink';
  /** Permission bits and file-type bits, as lstat reports them. */
  mode: number;
  /** Modification time in nanoseconds since the epoch (a decimal string: exact). */
  mtimeNs: string;
  size: number;
  /** Inode number (decimal string): part of the "unchanged file" test of the next run. */
  inode: string;
  uid: number;
  gid: number;
  /** Blob ids (hex) of the file's chunks, in order. */
  chunks?: string[];
  /** A symlink's target. */
  target?: string;
}

/** The stored snapshot object (snapshots/<id>), encrypted in an encrypted vault. */
export interface Snapshot {
  version: 1;
  set: string;
  time: string;
  hostname: string;
  paths: string[];
  exclude: string[];
  /** Blob ids of the serialized tree (NDJSON of TreeEntry), chunked and deduplicated like data. */
  tree: string[];
  parent?: string;
  /** Set by `vigil vault copy`: the id of the snapshot this is a copy of, in the vault it was first written to. */
  original?: string;
  stats: { files: number; dirs: number; bytes: number; errors: number };
}

/** A snapshot with its id (the SHA-256 of its stored bytes, hex). */
export interface SnapshotInfo extends Snapshot {
  id: string;
}

interface Compact {
  p: string;
  t: 'f' | 'd' | 'l';
  m: number;
  mt: string;
  s: number;
  i: string;
  u: number;
  g: number;
  c?: string[];
  l?: string;
}

const TYPE_CODE = { file: 'f', dir: 'd', symlink: 'l' } as const;
const CODE_TYPE = { f: 'file', d: 'dir', l: 'symlink' } as const;

export function serializeEntry(entry: TreeEntry): string {
  const compact: Compact = { p: entry.path, t: TYPE_CODE[entry.type], m: entry.mode, mt: entry.mtimeNs, s: entry.size, i: entry.inode, u: entry.uid, g: entry.gid };
  if (entry.chunks) compact.c = entry.chunks;
  if (entry.target !== undefined) compact.l = entry.target;
  return JSON.stringify(compact) + '\n';
}

export function parseTree(text: string, where: string): TreeEntry[] {
  const entries: TreeEntry[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    let compact: Compact;
    try {
      compact = JSON.parse(line) as Compact;
    } catch {
      throw corrupt(where, 'tree is not valid');
    }
    const entry: TreeEntry = {
      path: compact.p,
      type: CODE_TYPE[compact.t],
      mode: compact.m,
      mtimeNs: compact.mt,
      size: compact.s,
      inode: compact.i,
      uid: compact.u,
      gid: compact.g,
    };
    if (compact.c) entry.chunks = compact.c;
    if (compact.l !== undefined) entry.target = compact.l;
    entries.push(entry);
  }
  return entries;
}

/** Reads one snapshot object. ERR_VAULT_CORRUPT when damaged. */
export async function loadSnapshot(vault: Vault, id: string): Promise<SnapshotInfo> {
  const plain = await vault.readObject('snapshots', id);
  try {
    return { ...(JSON.parse(plain.toString('utf8')) as Snapshot), id };
  } catch {
    throw corrupt(vault.objectPath('snapshots', id), 'not valid JSON');
  }
}

/** Every snapshot in the vault, oldest first. Optionally only those of one set. */
export async function loadSnapshots(vault: Vault, set?: string): Promise<SnapshotInfo[]> {
  const all = await mapInParallel(await vault.listObjects('snapshots'), (id) => loadSnapshot(vault, id));
  const snapshots = all.filter((snapshot) => set === undefined || snapshot.set === set);
  return snapshots.sort((a, b) => a.time.localeCompare(b.time) || a.id.localeCompare(b.id));
}

/** Reads a snapshot's tree. ERR_VAULT_CORRUPT when a tree blob is missing or damaged. */
export async function loadTree(vault: Vault, index: BlobIndex, snapshot: SnapshotInfo): Promise<TreeEntry[]> {
  const locations = snapshot.tree.map((id) => {
    const location = index.get(id);
    if (!location) throw corrupt(vault.objectPath('snapshots', snapshot.id), `tree blob ${id.slice(0, 12)} is not in the index`);
    return { id, location };
  });
  const parts = await mapInParallel(locations, ({ id, location }) => vault.readBlob(id, location));
  return parseTree(Buffer.concat(parts).toString('utf8'), `tree of snapshot ${snapshot.id.slice(0, 12)}`);
}

export { pickSnapshot } from '../../pick-snapshot.js';

/**
 * A stored nanosecond mtime as the seconds value utimes() takes. A double holds ~0.12 µs at
 * today's epoch and libuv truncates, so a bias of 0.2 µs keeps the restored time at or just above
 * the original: exact to the microsecond, never a millisecond early.
 */
export function mtimeSeconds(mtimeNs: string): number {
  return Number(BigInt(mtimeNs) / 1000n) / 1e6 + 2e-7;
}
