import { corrupt } from './crypto.js';
import type { BlobType, Compression } from './codec.js';
import type { PackBlob } from './pack-format.js';

/** Where a blob lives. */
export interface BlobLocation {
  packId: string;
  type: BlobType;
  comp: Compression;
  offset: number;
  length: number;
  rawLength: number;
}

export interface IndexedPack {
  packId: string;
  blobs: PackBlob[];
}

/**
 * The in-memory union of every index file: blob id (hex) → location. A blob may be listed in
 * several packs (two runs racing, or prune's new index written before the old ones are removed);
 * any listed copy is valid, the first one seen is used.
 *
 * A copy found damaged (a *damage mark*, see damage-marks.ts) is not a usable copy: `has()` and
 * `entries()` ignore it, so a backup stores that chunk afresh instead of deduplicating against
 * it; `get()` still returns it when no intact copy is listed, so a restore or verify reading it
 * names the damaged pack instead of calling the chunk missing.
 */
export class BlobIndex {
  private readonly blobs = new Map<string, BlobLocation>();
  private readonly damagedCopies = new Map<string, BlobLocation>();
  private readonly marks = new Set<string>();
  private readonly packs = new Map<string, number>();

  get size(): number {
    return this.blobs.size;
  }

  /** Whether an intact (not known damaged) copy of the blob is listed. */
  has(id: string): boolean {
    return this.blobs.has(id);
  }

  /** The blob's intact copy, else its known damaged copy. */
  get(id: string): BlobLocation | undefined {
    return this.blobs.get(id) ?? this.damagedCopies.get(id);
  }

  /** The pack of the blob's damaged copy when no intact copy is listed. */
  damagedIn(id: string): string | undefined {
    return this.blobs.has(id) ? undefined : this.damagedCopies.get(id)?.packId;
  }

  /** Whether some copy in the pack is marked damaged. */
  hasDamagedIn(packId: string): boolean {
    for (const mark of this.marks) if (mark.startsWith(`${packId}/`)) return true;
    return false;
  }

  /** Blob ids listed only as damaged copies. */
  damagedIds(): IterableIterator<string> {
    return this.damagedCopies.keys();
  }

  /** Pack ids listed by the index, with their blob count. */
  packIds(): IterableIterator<string> {
    return this.packs.keys();
  }

  /** Intact copies only. */
  entries(): IterableIterator<[string, BlobLocation]> {
    return this.blobs.entries();
  }

  /**
   * Records that the copy of `blobId` in `packId` is damaged. Marks are best applied before the
   * index files are added: a second, intact copy listed later then takes over.
   */
  markDamaged(packId: string, blobId: string): void {
    this.marks.add(markKey(packId, blobId));
    const location = this.blobs.get(blobId);
    if (location?.packId === packId) {
      this.blobs.delete(blobId);
      this.damagedCopies.set(blobId, location);
    }
  }

  addPack(pack: IndexedPack): void {
    this.packs.set(pack.packId, (this.packs.get(pack.packId) ?? 0) + pack.blobs.length);
    for (const blob of pack.blobs) {
      const key = blob.id.toString('hex');
      if (this.blobs.has(key)) continue;
      const location: BlobLocation = { packId: pack.packId, type: blob.type, comp: blob.comp, offset: blob.offset, length: blob.length, rawLength: blob.rawLength };
      if (this.marks.has(markKey(pack.packId, key))) {
        if (!this.damagedCopies.has(key)) this.damagedCopies.set(key, location);
      } else {
        this.blobs.set(key, location);
        this.damagedCopies.delete(key);
      }
    }
  }
}

function markKey(packId: string, blobId: string): string {
  return `${packId}/${blobId}`;
}

/*
 * Index file plaintext: "VGI1", u32 LE pack count, then per pack: 32-byte pack id, u32 LE blob
 * count, then per blob 46 bytes: u8 type, u8 compression, u32 LE offset, u32 LE stored length,
 * u32 LE raw length, 32-byte id.
 */
const MAGIC = Buffer.from('VGI1');
const ENTRY = 46;

export function encodeIndex(packs: readonly IndexedPack[]): Buffer {
  const size = 8 + packs.reduce((sum, pack) => sum + 36 + pack.blobs.length * ENTRY, 0);
  const out = Buffer.alloc(size);
  MAGIC.copy(out, 0);
  out.writeUInt32LE(packs.length, 4);
  let at = 8;
  for (const pack of packs) {
    Buffer.from(pack.packId, 'hex').copy(out, at);
    out.writeUInt32LE(pack.blobs.length, at + 32);
    at += 36;
    for (const blob of pack.blobs) {
      out.writeUInt8(blob.type, at);
      out.writeUInt8(blob.comp, at + 1);
      out.writeUInt32LE(blob.offset, at + 2);
      out.writeUInt32LE(blob.length, at + 6);
      out.writeUInt32LE(blob.rawLength, at + 10);
      blob.id.copy(out, at + 14);
      at += ENTRY;
    }
  }
  return out;
}

export function decodeIndex(plain: Buffer, where: string): IndexedPack[] {
  if (plain.length < 8 || !plain.subarray(0, 4).equals(MAGIC)) throw corrupt(where, 'not an index file');
  const count = plain.readUInt32LE(4);
  const packs: IndexedPack[] = [];
  let at = 8;
  for (let p = 0; p < count; p++) {
    if (at + 36 > plain.length) throw corrupt(where, 'index file is truncated');
    const packId = plain.subarray(at, at + 32).toString('hex');
    const blobCount = plain.readUInt32LE(at + 32);
    at += 36;
    if (at + blobCount * ENTRY > plain.length) throw corrupt(where, 'index file is truncated');
    const blobs: PackBlob[] = [];
    for (let b = 0; b < blobCount; b++) {
      blobs.push({
        type: plain.readUInt8(at) as BlobType,
        comp: plain.readUInt8(at + 1) as Compression,
        offset: plain.readUInt32LE(at + 2),
        length: plain.readUInt32LE(at + 6),
        rawLength: plain.readUInt32LE(at + 10),
        id: Buffer.from(plain.subarray(at + 14, at + 46)),
      });
      at += ENTRY;
    }
    packs.push({ packId, blobs });
  }
  if (at !== plain.length) throw corrupt(where, 'index file has trailing bytes');
  return packs;
}
