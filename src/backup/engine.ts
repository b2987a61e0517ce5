import type { BackupSetConfig } from '../config/schema/index.js';
import type { DataSubset } from '../domain/data-subset.js';
import type { RunStatus } from '../domain/run-status.js';
import type { Severity } from '../domain/message.js';
import type { RunStopper } from '../domain/events.js';
import type { Problem } from '../domain/problem.js';

/** The engines a set can name (`engine:` in vigil.yaml). */
export type EngineKind = BackupSetConfig['engine'];

/** The validated configuration of a set of one engine (its schema is in src/backup/engines/<engine>/config.ts). */
export type SetConfigOf<K extends EngineKind> = Extract<BackupSetConfig, { engine: K }>;

/**
 * A backup engine: `builtin`, `restic`, `command`. One folder each under src/backup/engines/,
 * holding the engine, its set schema (`config.ts`) and everything it runs.
 *
 * `run` is the one operation every engine has. The others are capabilities: an engine that has
 * one declares the method, one that does not leaves it out, and callers ask with `engineCan`
 * (src/backup/engine-operations.ts) — "the command engine cannot restore" is an answer the CLI
 * gives from that, never a switch on the engine's name.
 *
 * Shared rules for every method:
 * - `config` is the set's validated configuration of this engine's kind (the registry in
 *   src/backup/engines/index.ts only hands an engine its own sets).
 * - Problems with the work itself (an unreadable file, damaged data, a program that failed) are
 *   a status and log entries, never a rejection. An operation other than `run` and `prune` may
 *   reject with a VigilError when it cannot start at all (repository missing, wrong password,
 *   locked by another process); callers record that as a `failed` activity with the message.
 *   Any other rejection is a bug.
 * - When `signal` aborts (Ctrl-C, service shutdown, timeout) the operation stops promptly,
 *   leaves the repository consistent, and resolves with status `incomplete`.
 * - `onProgress`, when given, is called at most a few times a second (for `vigil run`'s display).
 * - Secrets (passwords, passphrases) never appear in log entries or problems.
 */
export interface BackupEngine<C extends { engine: string } = BackupSetConfig> {
  readonly kind: C['engine'];

  /**
   * Runs one backup of a set. Resolves, never rejects, for anything that happens to the backup
   * itself (unreadable file, missing source, full vault): those are statuses and log entries.
   */
  run(request: EngineRunRequest<C>): Promise<EngineRunResult>;

  /**
   * What would stop the set from running on this machine (program missing, password unreadable,
   * source path missing), for `vigil config check`: each `path` is the key to fix under
   * `sets.<name>` (e.g. `['paths', 0]`). Synchronous and read-only: it opens no repository and
   * runs no program.
   */
  problems?(context: EngineSetContext<C>, env: NodeJS.ProcessEnv): Problem[];

  /**
   * Where the set's data lives, as a stable key (e.g. `builtin:/srv/vault`): sets with the same
   * key share one repository, so the Weekly Admin checks it once, and its read-data rotation is
   * kept under this key (changing the format restarts every rotation). Engines with `verify` have it.
   */
  repositoryOf?(context: EngineSetContext<C>): string;

  /** What the engine's `verify` is called in reports and the summary, e.g. `restic check`. Default `verify`. */
  readonly verifyName?: string;

  /** The set's snapshots, oldest first. Read-only; safe to call at any time, also during a backup. */
  snapshots?(request: EngineOperationRequest<C>): Promise<EngineSnapshot[]>;

  /**
   * Restores a snapshot of the set (default its latest) into `to`: files land at
   * `<to>/<original absolute path>`. Idempotent (re-running overwrites the same files); never
   * writes outside `to`. `completed-with-errors` when some files could not be restored (each named).
   */
  restore?(request: EngineRestoreRequest<C>): Promise<EngineRestoreResult>;

  /**
   * Checks the repository the set uses (all of it, when sets share it): structure always, the
   * data itself with `readData` (all of it, or one slice with `readDataSubset`). Changes no
   * snapshot. `completed` when sound, `completed-with-errors` when damage was found (the first
   * error entry names what it affects), `completed-with-warnings` for damage that costs no data.
   */
  verify?(request: EngineVerifyRequest<C>): Promise<EngineOutcome>;

  /**
   * Applies the set's `keep:` policy and reclaims the space it frees (builtin prune, restic
   * `forget --prune`). Without a policy no snapshot is removed. Resolves with a status like a
   * run (`failed` with the reason when it cannot prune, never a rejection); safe to interrupt and
   * to repeat. With `dryRun` it reports the plan (each snapshot kept or removed, and why) and changes nothing.
   */
  prune?(request: EnginePruneRequest<C>): Promise<EnginePruneResult>;

  /**
   * Rebuilds the repository's index from the data, keeping only what verifies, and names the
   * snapshots that cannot be healed. Stopped before the end, it has changed nothing.
   */
  repair?(request: EngineOperationRequest<C>): Promise<EngineRepairResult>;

  /**
   * Creates the set's repository where its configuration says. Rejects with ERR_VAULT_EXISTS
   * when one is there already (it is never touched).
   */
  init?(context: EngineSetContext<C>): Promise<{ root: string; id: string; encrypted: boolean }>;

  /** Where to turn for an operation this engine does not have, e.g. restic's own command for it. */
  readonly elsewhere?: Partial<Record<EngineOperation, string>>;
}

/** The optional operations, by method name. */
export type EngineOperation = 'snapshots' | 'restore' | 'verify' | 'prune' | 'repair' | 'init';

export interface EngineSetContext<C = BackupSetConfig> {
  /** The set's name (the key under `sets:`). */
  name: string;
  /** The set's validated configuration. */
  config: Readonly<C>;
  /** Vigil's data directory (absolute). */
  dataDir: string;
}

export interface EngineRunRequest<C = BackupSetConfig> extends EngineSetContext<C> {
  signal: AbortSignal;
  /**
   * The set has backed up before (a completed run is in the activity log). An engine then never
   * creates its vault or repository: a missing one is an unmounted disk, not a first run, and
   * fails the run (ERR_VAULT_NOT_FOUND, the `vault-unreachable` fault).
   */
  hasHistory?: boolean;
  /** Write as root into a vault another account owns (`vigil run --allow-root`); refused otherwise. */
  allowRoot?: boolean;
  onProgress: (progress: EngineProgress) => void;
}

export interface EngineOperationRequest<C = BackupSetConfig> extends EngineSetContext<C> {
  signal: AbortSignal;
  onProgress?: (progress: EngineProgress) => void;
}

export interface EngineRestoreRequest<C = BackupSetConfig> extends EngineOperationRequest<C> {
  /** Target directory (absolute); created if missing. */
  to: string;
  /** Snapshot id or unique prefix; default the set's latest. */
  snapshot?: string;
  /** Restore only this absolute path (a file or a directory subtree) of the snapshot. */
  path?: string;
}

export interface EngineVerifyRequest<C = BackupSetConfig> extends EngineOperationRequest<C> {
  /** Also read back the data (slow: reads the whole repository, unless `readDataSubset`). */
  readData?: boolean;
  /** With readData: read only slice n of `of` (the Weekly Admin's rotation). */
  readDataSubset?: DataSubset;
}

export interface EnginePruneRequest<C = BackupSetConfig> extends EngineOperationRequest<C> {
  /** Report the plan and change nothing. */
  dryRun?: boolean;
  /** Prune as root a repository another account owns; refused otherwise. */
  allowRoot?: boolean;
}

/** What an operation other than a backup ends with: an activity's status and log. */
export interface EngineOutcome {
  status: RunStatus;
  log: EngineLogEntry[];
}

export type EnginePruneResult = EngineOutcome;

export interface EngineRestoreResult extends EngineOutcome {
  /** The full id of the snapshot restored. */
  snapshotId: string;
}

export interface EngineRepairResult extends EngineOutcome {
  /** Snapshots that reference data intact nowhere. */
  unhealable: Array<{ id: string; set: string; time: string; files: string[]; treeUnreadable?: boolean }>;
}

/** A snapshot as `vigil snapshots SET` lists it. Counts an engine does not keep are left out. */
export interface EngineSnapshot {
  id: string;
  shortId: string;
  /** ISO 8601. */
  time: string;
  hostname: string;
  paths: string[];
  files?: number;
  bytes?: number;
  errors?: number;
}

export interface EngineProgress {
  filesDone: number;
  filesTotal?: number;
  bytesDone: number;
  bytesTotal?: number;
  /** Bytes per second over the recent past. */
  rate?: number;
  /** Seconds left, when the engine can tell. */
  etaSeconds?: number;
  currentPath?: string;
  /** What `filesDone`/`filesTotal` count when not files (e.g. `packs`, `snapshots`). */
  unit?: string;
  /** Bytes stored in the vault so far (the builtin engine: packs written; offsite, uploaded). */
  bytesUploaded?: number;
}

export interface EngineCounters {
  files: number;
  bytesScanned: number;
  bytesNew: number;
  errors: number;
  warnings: number;
}

export interface EngineLogEntry {
  severity: Severity;
  message: string;
  path?: string;
}

export interface EngineRunResult {
  status: RunStatus;
  counters: EngineCounters;
  log: EngineLogEntry[];
  /** Engine-specific identifiers, e.g. the snapshot id. */
  snapshotId?: string;
  /** The coded error that stopped the run, when one did (notification reads service faults from it). */
  stoppedBy?: RunStopper;
}
