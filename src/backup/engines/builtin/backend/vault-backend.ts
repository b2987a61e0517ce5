/**
 * Where a vault's objects live: a local directory, an SFTP server, an S3 bucket. The vault format
 * (vault.ts) sees only names like `config`, `data/3f/3f9a…`, `index/<sha256>`, `locks/<id>.json`,
 * and this small interface, modelled on restic's `Backend` (internal/backend/backend.go).
 *
 * Guarantees every backend gives (the conformance suite, test/conformance/vault-backend.suite.ts,
 * checks each one):
 *  - `write` is all-or-nothing: once it resolves, a reader sees the whole object under its name;
 *    if it throws or the process dies part-way, the name is absent or still holds its old bytes —
 *    never a torn prefix. (Local and SFTP write to tmp/ and rename; S3 PUT is atomic by nature.)
 *  - A listing started after a `write` or `delete` resolved shows it (read-after-write and
 *    list-after-write consistency; AWS S3 has been strongly consistent since 2020, and an
 *    S3-compatible server that is not must not be used for a vault).
 *  - Object names are the vault's, with `/` as separator; no backend invents or hides names
 *    outside `tmp/`.
 *
 * What is NOT guaranteed, and how the engine lives with it (docs/builtin-engine.md "Why a crash
 * cannot damage the vault"): there is no rename, no append, no transaction across objects. So
 * every object but `config` and locks is content-addressed and written before anything that
 * names it (pack → index → snapshot): an interrupted upload leaves at most an unreferenced object.
 * Locks are objects carrying their own time, refreshed by rewriting them; one older than the
 * stale limit is removed by whoever finds it (lock.ts).
 *
 * Errors: a missing object is an Error with `code: 'ENOENT'` (see `isMissing`), an exclusive
 * write over an existing one `code: 'EEXIST'`; other per-object failures carry an errno-like code
 * (`EACCES`, `ENOSPC`, `EDQUOT`, `EIO`) so vault-errors.ts says what happened. A backend that
 * cannot be reached at all throws a VigilError (ERR_VAULT_UNREACHABLE, ERR_VAULT_AUTH,
 * ERR_VAULT_HOST_KEY): those are permanent for the current run, never worth a retry loop here.
 * Every call of a network backend has a deadline; none waits forever.
 */
export interface VaultBackend {
  /** Where the vault is, for messages: a path or a URL without credentials. */
  readonly location: string;
  readonly guarantees: BackendGuarantees;

  /**
   * The object's path on this machine's file system, when it has one (the local backend):
   * restore's worker threads then read packs directly instead of through the main thread.
   */
  localPath?(name: string): string;

  /** How many writes the engine should keep in flight (`vaults.<name>.connections`); default 3. */
  readonly parallelWrites?: number;

  /**
   * Names directly under `dir` ('' for the top): objects with their sizes, and sub-directories
   * (name prefixes ending in `/`, without it). Listing a directory that does not exist gives
   * nothing, not an error. Order is unspecified.
   */
  list(dir: string): Promise<{ files: VaultObjectInfo[]; dirs: string[] }>;

  /** The object's size, or undefined when it does not exist. */
  stat(name: string): Promise<VaultObjectInfo | undefined>;

  /**
   * The object's bytes, or `length` bytes from `offset`. Throws ENOENT when missing; a range past
   * the end returns fewer bytes (the caller checks, and calls that damage). Safe to retry.
   */
  read(name: string, range?: { offset: number; length: number }): Promise<Buffer>;

  /**
   * Stores the whole object under `name`, all-or-nothing (see above), replacing an older one.
   * With `exclusive`, fails with EEXIST when the name exists (see `guarantees.exclusiveCreate`
   * for how strong that is). Parent "directories" are created as needed. Idempotent for
   * content-addressed names: a retry after an error or crash writes the same bytes again.
   */
  write(name: string, data: Buffer, options?: { exclusive?: boolean }): Promise<void>;

  /** Removes the object. Removing a missing object is not an error. */
  delete(name: string): Promise<void>;

  /**
   * Durability barrier: once it resolves, every write that resolved before survives a power
   * loss (local: the directories written into are fsynced). Network backends: the server
   * acknowledged each write, so it is a no-op.
   */
  sync(): Promise<void>;

  /**
   * Creates the vault's top-level directories where the backend has directories (a new vault
   * then looks like one to `ls`); object stores do nothing.
   */
  prepare(dirs: readonly string[]): Promise<void>;

  /** Releases connections and handles. The backend may be used again afterwards (it reconnects). */
  close(): Promise<void>;
}

export interface VaultObjectInfo {
  name: string;
  size: number;
}

export interface BackendGuarantees {
  /**
   * `atomic`: an exclusive write is decided by the server (link(2), O_EXCL, a conditional PUT).
   * `check-then-write`: a stat then a write — two processes creating the same vault at the same
   * instant could both win; only `config` is written exclusively, at a vault's creation.
   */
  exclusiveCreate: 'atomic' | 'check-then-write';
}

/** A missing object, as every backend reports it. */
export function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}

/** An errno-style error for a backend to throw (kept as the cause of the VigilError shown). */
export function backendError(code: string, message: string, cause?: unknown): NodeJS.ErrnoException {
  return Object.assign(new Error(message, cause === undefined ? undefined : { cause }), { code });
}
