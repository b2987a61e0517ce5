import { createHash } from 'node:crypto';

/**
 * FastCDC-style content-defined chunking (Xia et al., 2016/2020) with a gear hash and
 * normalized chunking: a stricter mask before the average size and a looser one after it, so
 * chunk sizes cluster around the average. An insertion in a large file only moves the boundaries
 * of the chunks around it, which is what makes deduplication work across versions of a file.
 *
 * The gear table is derived from a per-vault secret seed, so chunk boundaries (and therefore
 * chunk sizes visible in the vault) do not fingerprint known files across vaults.
 */
export interface ChunkerParams {
  minSize: number;
  avgBits: number;
  maxSize: number;
}

/** File data: chunks of 512 KiB .. 8 MiB, about 1 MiB on average (restic's figures). */
export const DATA_CHUNKER: ChunkerParams = { minSize: 512 * 1024, avgBits: 20, maxSize: 8 * 1024 * 1024 };
/** Serialized trees: smaller chunks, so one changed file rewrites little metadata. */
export const TREE_CHUNKER: ChunkerParams = { minSize: 32 * 1024, avgBits: 16, maxSize: 1024 * 1024 };

export function gearTable(seed: Uint8Array): Uint32Array {
  const table = new Uint32Array(256);
  for (let block = 0; block < 32; block++) {
    const digest = createHash('sha256').update(seed).update(`gear-${block}`).digest();
    for (let j = 0; j < 8; j++) table[block * 8 + j] = digest.readUInt32LE(j * 4);
  }
  return table;
}

/** A mask of `bits` one-bits taken from the top of a 32-bit word: the gear hash mixes upward. */
function topMask(bits: number): number {
  return bits >= 32 ? -1 : ~((1 << (32 - bits)) - 1) | 0;
}

/**
 * A streaming boundary finder. Feed it consecutive pieces of one stream; it remembers the
 * position inside the current chunk across calls. Call `reset()` between files.
 */
export class Chunker {
  private readonly gear: Uint32Array;
  private readonly minSize: number;
  private readonly avgSize: number;
  private readonly maxSize: number;
  private readonly maskS: number;
  private readonly maskL: number;
  private pos = 0;
  private hash = 0;

  constructor(gear: Uint32Array, params: ChunkerParams) {
    this.gear = gear;
    this.minSize = params.minSize;
    this.avgSize = 2 ** params.avgBits;
    this.maxSize = params.maxSize;
    this.maskS = topMask(params.avgBits + 2);
    this.maskL = topMask(params.avgBits - 2);
  }

  reset(): void {
    this.pos = 0;
    this.hash = 0;
  }

  /**
   * Scans `buf[from..end)`. Returns the index just past a chunk boundary (the chunk ends there and
   * the chunker is reset for the next one), or -1 when the chunk continues beyond `end`.
   */
  next(buf: Uint8Array, from: number, end: number = buf.length): number {
    const gear = this.gear;
    let i = from;
    let pos = this.pos;
    let h = this.hash;
    // Bytes before minSize never end a chunk: skip them without hashing (FastCDC's cut-point skip).
    if (pos < this.minSize) {
      const skip = Math.min(this.minSize - pos, end - i);
      i += skip;
      pos += skip;
      if (pos < this.minSize) {
        this.pos = pos;
        return -1;
      }
    }
    if (pos < this.avgSize) {
      const maskS = this.maskS;
      const begin = i;
      const stop = Math.min(end, i + (this.avgSize - pos));
      while (i < stop) {
        h = ((h << 1) + gear[buf[i]!]!) | 0;
        i++;
        if ((h & maskS) === 0) return this.cut(i);
      }
      pos += stop - begin;
    }
    if (pos >= this.avgSize) {
      const maskL = this.maskL;
      const begin = i;
      const stop = Math.min(end, i + (this.maxSize - pos));
      while (i < stop) {
        h = ((h << 1) + gear[buf[i]!]!) | 0;
        i++;
        if ((h & maskL) === 0) return this.cut(i);
      }
      pos += stop - begin;
      if (pos >= this.maxSize) return this.cut(i);
    }
    this.pos = pos;
    this.hash = h;
    return -1;
  }

  private cut(index: number): number {
    this.pos = 0;
    this.hash = 0;
    return index;
  }
}
