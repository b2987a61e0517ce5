import { setTimeout as sleep } from 'node:timers/promises';
import { ForwardingBackend } from './forwarding-backend.js';
import type { VaultBackend } from './vault-backend.js';

/** `vaults.<name>.connections` and `limitUpload`, resolved. */
export interface UploadLimits {
  /** Uploads in flight at once, at most. */
  connections: number;
  /** Bytes per second over all uploads together, at most; undefined for no limit. */
  bytesPerSecond?: number | undefined;
}

/**
 * Any backend, with its uploads bounded: at most `connections` writes in flight (the others wait
 * their turn, in order), and the bytes written paced to `bytesPerSecond`. The pace is kept per
 * write: a write of n bytes starts once the writes before it have had their share of time, n /
 * rate, so over a run the rate never exceeds the limit (a single 8 MiB pack goes at the link's
 * speed, then the next waits). Reads, listings and deletes are not limited. Everything else —
 * guarantees, errors, deadlines — is the wrapped backend's (ForwardingBackend).
 */
export class ThrottledBackend extends ForwardingBackend {
  override readonly parallelWrites: number;
  readonly localPath?: (name: string) => string;
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  /** When (performance.now() ms) the pace lets the next write start. */
  private nextStart = 0;

  constructor(
    inner: VaultBackend,
    private readonly limits: UploadLimits,
  ) {
    super(inner);
    this.parallelWrites = limits.connections;
    // Its reads are not limited, so letting restore read a local vault's packs directly loses nothing.
    if (inner.localPath) this.localPath = (name) => inner.localPath!(name);
  }

  override async write(name: string, data: Buffer, options?: { exclusive?: boolean }): Promise<void> {
    await this.slot();
    try {
      await this.pace(data.length);
      await this.inner.write(name, data, options);
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }

  private async slot(): Promise<void> {
    if (this.active >= this.limits.connections) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
  }

  private async pace(bytes: number): Promise<void> {
    const rate = this.limits.bytesPerSecond;
    if (!rate) return;
    const now = performance.now();
    const start = Math.max(now, this.nextStart);
    this.nextStart = start + (bytes * 1000) / rate;
    if (start > now) await sleep(start - now);
  }
}
