import { isVaultUnreachable } from './vault-errors.js';
import type { VaultBackend } from './backend/vault-backend.js';
import type { RestoreChunk } from './worker-protocol.js';

/**
 * Chunks this close together in one pack are read as one range, the bytes between them read and
 * dropped: over a network a request (open, read, close: three round trips over SFTP) costs more
 * than moving 64 KiB.
 */
const MAX_GAP = 64 * 1024;
/** A range is at most this long (a pack is ~8 MiB, so usually a whole pack's worth of chunks). */
const MAX_RANGE = 16 * 1024 * 1024;
/** Ranges read at once over the whole restore. */
export const RANGES_IN_FLIGHT = 4;

/** A chunk a file being restored needs, from pack object `pack` (its backend name). */
export interface WantedChunk {
  pack: string;
  chunk: RestoreChunk;
  /** The file it belongs to. */
  fid: number;
}

export interface PackRange {
  pack: string;
  offset: number;
  length: number;
  members: WantedChunk[];
}

/**
 * Groups the chunks by pack and merges those that overlap, touch or lie within `maxGap` of each
 * other into ranges of at most `maxRange` bytes (a single larger chunk is a range of its own).
 * The same chunk wanted twice (a file holding a block twice, two equal files) is read once.
 */
export function planRanges(wanted: readonly WantedChunk[], maxGap = MAX_GAP, maxRange = MAX_RANGE): PackRange[] {
  const byPack = new Map<string, WantedChunk[]>();
  for (const item of wanted) {
    const list = byPack.get(item.pack);
    if (list) list.push(item);
    else byPack.set(item.pack, [item]);
  }
  const ranges: PackRange[] = [];
  for (const [pack, list] of byPack) {
    list.sort((a, b) => a.chunk.offset - b.chunk.offset);
    let current: PackRange | undefined;
    for (const item of list) {
      const start = item.chunk.offset;
      const end = start + item.chunk.length;
      const currentEnd = current ? current.offset + current.length : 0;
      if (current && start <= currentEnd + maxGap && Math.max(end, currentEnd) - current.offset <= maxRange) {
        current.length = Math.max(end, currentEnd) - current.offset;
        current.members.push(item);
      } else {
        current = { pack, offset: start, length: item.chunk.length, members: [item] };
        ranges.push(current);
      }
    }
  }
  return ranges;
}

/**
 * Reads the chunks a restore needs from a vault that is not a local directory: a batch's chunks
 * as whole pack ranges (planRanges), RANGES_IN_FLIGHT ranges at once across every batch being
 * read, so the next files' data arrives while the worker threads write the previous ones. Once
 * the vault is unreachable, no further range is requested: every later `fill` throws that error.
 */
export class RemoteChunkReader {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private unreachable: unknown;

  constructor(
    private readonly backend: VaultBackend,
    private readonly inFlight = RANGES_IN_FLIGHT,
  ) {}

  /**
   * Sets each chunk's `payload` (shorter than its length when the pack is truncated: the worker
   * reports that). Returns the files some chunk of which could not be read, with the error; the
   * other files are complete. Throws the first unreachable-vault error.
   */
  async fill(wanted: readonly WantedChunk[]): Promise<Map<number, Error>> {
    const failed = new Map<number, Error>();
    await Promise.all(planRanges(wanted).map((range) => this.readRange(range, failed)));
    if (this.unreachable) throw this.unreachable;
    return failed;
  }

  private async readRange(range: PackRange, failed: Map<number, Error>): Promise<void> {
    if (this.active >= this.inFlight) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      if (this.unreachable) return;
      const bytes = await this.backend.read(range.pack, { offset: range.offset, length: range.length });
      for (const { chunk } of range.members) {
        const at = chunk.offset - range.offset;
        chunk.payload = bytes.subarray(at, Math.min(at + chunk.length, bytes.length));
      }
    } catch (error) {
      if (isVaultUnreachable(error)) this.unreachable ??= error;
      for (const { fid } of range.members) failed.set(fid, error as Error);
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}
