import { sha256 } from './crypto.js';
import { encodePackHeader, type PackBlob } from './pack-format.js';
import { vaultWriteError } from './vault-errors.js';
import type { IndexedPack } from './blob-index.js';
import type { BlobType, Compression } from './codec.js';
import type { Vault } from './vault.js';

/** Packs of about this size: few files, few fsyncs, and cheap enough to rewrite during prune. */
export const PACK_TARGET_SIZE = 8 * 1024 * 1024;

/**
 * Collects encoded blobs into pack files and writes each one in the background with the
 * backend's all-or-nothing write. Nothing refers to a pack until `flush()`/`durable()` has returned it: the
 * caller writes the index only then, which is the crash-safety order (data before metadata).
 */
export class PackWriter {
  private parts: Buffer[] = [];
  private blobs: PackBlob[] = [];
  private size = 0;
  private readonly inflight = new Set<Promise<void>>();
  private finished: IndexedPack[] = [];
  private readonly ids = new Set<string>();
  private failure: unknown;
  /** Bytes of pack files written by this writer. */
  bytesWritten = 0;

  constructor(
    private readonly vault: Vault,
    private readonly targetSize = PACK_TARGET_SIZE,
    private readonly maxInflight = vault.backend.parallelWrites ?? 3,
  ) {}

  /** Packs written and not yet returned by `durable()`/`flush()`. */
  get finishedCount(): number {
    return this.finished.length;
  }

  /** True when this writer already holds the blob (in a pack not yet indexed). */
  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** Adds a blob. Never blocks; call `ready()` before producing more work. */
  add(id: string, type: BlobType, comp: Compression, rawLength: number, payload: Buffer): void {
    this.throwIfFailed();
    if (this.ids.has(id)) return;
    this.ids.add(id);
    this.blobs.push({ id: Buffer.from(id, 'hex'), type, comp, rawLength, length: payload.length, offset: this.size });
    this.parts.push(payload);
    this.size += payload.length;
    if (this.size >= this.targetSize) this.seal();
  }

  /** Resolves once fewer than maxInflight packs are being written (back-pressure). */
  async ready(): Promise<void> {
    while (this.inflight.size >= this.maxInflight) await Promise.race(this.inflight);
    this.throwIfFailed();
  }

  /** Packs completed so far, on disk and fsynced with their directories. The open pack stays open. */
  async durable(): Promise<IndexedPack[]> {
    await Promise.all(this.inflight);
    this.throwIfFailed();
    try {
      await this.vault.backend.sync();
    } catch (error) {
      throw vaultWriteError(this.vault.where('data'), error, 'syncing pack directories');
    }
    const finished = this.finished;
    this.finished = [];
    return finished;
  }

  /** Seals the open pack too, then as `durable()`. */
  async flush(): Promise<IndexedPack[]> {
    if (this.blobs.length > 0) this.seal();
    return this.durable();
  }

  private seal(): void {
    const blobs = this.blobs;
    const header = encodePackHeader(blobs, this.vault.keys.encKey);
    const bytes = Buffer.concat([...this.parts, header]);
    this.parts = [];
    this.blobs = [];
    this.size = 0;
    const packId = sha256(bytes).toString('hex');
    const target = this.vault.packPath(packId);
    const write = this.vault.backend.write(this.vault.packName(packId), bytes).then(
      () => {
        this.bytesWritten += bytes.length;
        this.finished.push({ packId, blobs });
      },
      (error: unknown) => {
        this.failure ??= vaultWriteError(target, error, 'writing a pack');
      },
    );
    const tracked = write.finally(() => this.inflight.delete(tracked));
    this.inflight.add(tracked);
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }
}
