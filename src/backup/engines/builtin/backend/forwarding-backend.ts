import type { BackendGuarantees, VaultBackend, VaultObjectInfo } from './vault-backend.js';

/**
 * Any backend, every call handed to `inner` unchanged: the base of a wrapper that changes only a
 * few (ThrottledBackend bounds writes; the tests' ObservedBackend counts and freezes calls).
 * Guarantees, errors and deadlines are the wrapped backend's.
 *
 * `parallelWrites` is forwarded: it is the wrapped backend's write concurrency, and every write
 * still passes through the wrapper, so it hides nothing from it; dropping it would run the engine
 * at its default of 3 instead. `localPath` is not: with one, restore's worker threads read packs
 * straight from disk, past `read` — a wrapper that may be bypassed so opts in (ThrottledBackend).
 */
export class ForwardingBackend implements VaultBackend {
  readonly location: string;
  readonly guarantees: BackendGuarantees;
  readonly parallelWrites?: number;

  constructor(protected readonly inner: VaultBackend) {
    this.location = inner.location;
    this.guarantees = inner.guarantees;
    if (inner.parallelWrites !== undefined) this.parallelWrites = inner.parallelWrites;
  }

  list(dir: string): Promise<{ files: VaultObjectInfo[]; dirs: string[] }> {
    return this.inner.list(dir);
  }

  stat(name: string): Promise<VaultObjectInfo | undefined> {
    return this.inner.stat(name);
  }

  read(name: string, range?: { offset: number; length: number }): Promise<Buffer> {
    return this.inner.read(name, range);
  }

  write(name: string, data: Buffer, options?: { exclusive?: boolean }): Promise<void> {
    return this.inner.write(name, data, options);
  }

  delete(name: string): Promise<void> {
    return this.inner.delete(name);
  }

  sync(): Promise<void> {
    return this.inner.sync();
  }

  prepare(dirs: readonly string[]): Promise<void> {
    return this.inner.prepare(dirs);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
