import type { BackendGuarantees, VaultBackend, VaultObjectInfo } from '../../src/backup/engines/builtin/backend/vault-backend.js';

/** A call on the vault's objects that a test may observe; `list` names the directory listed. */
export type BackendCall = 'list' | 'stat' | 'read' | 'write' | 'delete';

/**
 * A real backend, observed: every call is forwarded to `inner` unchanged, and each call on an
 * object (or a listing) passes through `around`, which a test overrides to count, time or freeze
 * calls. `sync`, `prepare` and `close` are forwarded without passing through it.
 *
 * `parallelWrites` IS forwarded: it is the wrapped backend's answer to how many writes to keep in
 * flight (a ThrottledBackend's `connections`), and every write still goes through the wrapper,
 * so forwarding it hides nothing from the test — dropping it would silently run the engine at its
 * default of 3 instead of what the real stack would.
 *
 * `localPath` is NOT forwarded: a backend with one has restore's worker threads read packs straight
 * from disk, past `read` — calls the wrapper exists to see. Wrapped, every backend is remote.
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

  /** Runs one call on `name`; the default only runs it. */
  protected around<T>(_call: BackendCall, _name: string, run: () => Promise<T>): Promise<T> {
    return run();
  }

  list(dir: string): Promise<{ files: VaultObjectInfo[]; dirs: string[] }> {
    return this.around('list', dir, () => this.inner.list(dir));
  }

  stat(name: string): Promise<VaultObjectInfo | undefined> {
    return this.around('stat', name, () => this.inner.stat(name));
  }

  read(name: string, range?: { offset: number; length: number }): Promise<Buffer> {
    return this.around('read', name, () => this.inner.read(name, range));
  }

  write(name: string, data: Buffer, options?: { exclusive?: boolean }): Promise<void> {
    return this.around('write', name, () => this.inner.write(name, data, options));
  }

  delete(name: string): Promise<void> {
    return this.around('delete', name, () => this.inner.delete(name));
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
