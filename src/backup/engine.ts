import type { RunStatus } from '../domain/run-status.js';
import type { Severity } from '../domain/message.js';
import type { RunStopper } from '../domain/events.js';

/**
 * A backup engine: `builtin`, `restic`, `command`. One folder each under src/backup/engines/.
 * The runner (src/backup/runner.ts) records what the engine returns in the activity log and
 * emits the run's event; engines never talk to the Outbox.
 */
export interface BackupEngine {
  readonly kind: string;

  /**
   * Runs one backup of a set.
   * - Resolves, never rejects, for anything that happens to the backup itself (unreadable file,
   *   missing source, full vault): those are statuses and log entries. Rejects only for a bug.
   * - When `signal` aborts (Ctrl-C, service shutdown, timeout) it stops promptly, leaves its
   *   repository consistent, and returns status `incomplete`.
   * - Calls `onProgress` at most a few times a second.
   */
  run(request: EngineRunRequest): Promise<EngineRunResult>;

  /**
   * Applies the set's `keep:` policy and reclaims the space it frees (builtin prune, restic
   * `forget --prune`). Engines without retention leave it out. Resolves with a status like a
   * run (`failed` with the reason when it cannot prune); safe to interrupt and to repeat.
   */
  prune?(request: EnginePruneRequest): Promise<EnginePruneResult>;

  /** Problems found without running (program missing, password unreadable), for `config check`. */
  check?(set: EngineSetContext): Promise<string[]>;
}

export interface EngineSetContext {
  /** The set's name (the key under `sets:`). */
  name: string;
  /** The set's validated configuration (engine-specific keys included). */
  config: Readonly<Record<string, unknown>>;
  /** Vigil's data directory (absolute). */
  dataDir: string;
}

export interface EngineRunRequest extends EngineSetContext {
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

export interface EnginePruneRequest extends EngineSetContext {
  signal: AbortSignal;
  /** Report the plan (each snapshot kept or removed, and why) and change nothing. */
  dryRun?: boolean;
  allowRoot?: boolean;
}

export interface EnginePruneResult {
  status: RunStatus;
  log: EngineLogEntry[];
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
