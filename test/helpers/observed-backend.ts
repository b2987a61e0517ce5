import { ForwardingBackend } from '../../src/backup/engines/builtin/backend/forwarding-backend.js';
import type { VaultObjectInfo } from '../../src/backup/engines/builtin/backend/vault-backend.js';

/** A call on the vault's objects that a test may observe; `list` names the directory listed. */
export type BackendCall = 'list' | 'stat' | 'read' | 'write' | 'delete';

/**
 * A real backend, observed: every call is forwarded unchanged (ForwardingBackend, which also says
 * why `parallelWrites` is forwarded and `localPath` is not — here: so no read bypasses `around`),
 * and each call on an object, or a listing, passes through `around`, which a test overrides to
 * count, time or freeze calls. `sync`, `prepare` and `close` do not pass through it.
 */
export class ObservedBackend extends ForwardingBackend {
  /** Runs one call on `name`; the default only runs it. */
  protected around<T>(_call: BackendCall, _name: string, run: () => Promise<T>): Promise<T> {
    return run();
  }

  override list(dir: string): Promise<{ files: VaultObjectInfo[]; dirs: string[] }> {
    return this.around('list', dir, () => super.list(dir));
  }

  override stat(name: string): Promise<VaultObjectInfo | undefined> {
    return this.around('stat', name, () => super.stat(name));
  }

  override read(name: string, range?: { offset: number; length: number }): Promise<Buffer> {
    return this.around('read', name, () => super.read(name, range));
  }

  override write(name: string, data: Buffer, options?: { exclusive?: boolean }): Promise<void> {
    return this.around('write', name, () => super.write(name, data, options));
  }

  override delete(name: string): Promise<void> {
    return this.around('delete', name, () => super.delete(name));
  }
}
