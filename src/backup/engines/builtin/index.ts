import { existsSync, promises as fsp } from 'node:fs';
import path from 'node:path';
import { isVigilError, VigilError } from '../../../domain/errors.js';
import { backup } from './backup.js';
import { acquireLock } from './lock.js';
import { pruneVault, type PruneStats } from './prune.js';
import { repairVault, type RepairStats } from './repair.js';
import { restoreTree, type RestoreStats } from './restore.js';
import { resolveSettings, type BuiltinSettings, type BuiltinVaultConfig } from './settings.js';
import { loadSnapshots, pickSnapshot } from './snapshot.js';
import { Vault } from './vault.js';
import { openBackend } from './backend/open-backend.js';
import { isVaultUnreachable, runStopper } from './vault-errors.js';
import { rootWriteRefusal } from './vault-owner.js';
import { rootsContaining } from '../../paths-overlap.js';
import { describeSubset, type DataSubset } from '../../../domain/data-subset.js';
import { verifyVault, type VerifyStats } from './verify.js';
import { copySnapshots, type CopyStats } from './copy.js';
import type { RunStatus } from '../../../domain/run-status.js';
import type { Problem } from '../../../domain/problem.js';
import type {
  BackupEngine,
  EngineLogEntry,
  EngineOperationRequest,
  EngineOutcome,
  EngineProgress,
  EnginePruneRequest,
  EnginePruneResult,
  EngineRepairResult,
  EngineRestoreRequest,
  EngineRestoreResult,
  EngineRunRequest,
  EngineRunResult,
  EngineSetContext,
  EngineSnapshot,
  EngineVerifyRequest,
} from '../../engine.js';
import type { BuiltinSetConfig } from './config.js';
import type { KeepPolicy } from './retention.js';

export type { KeepPolicy } from './retention.js';
export type { PruneStats } from './prune.js';
export type { RestoreStats } from './restore.js';
export type { RepairStats } from './repair.js';
export type { VerifyStats } from './verify.js';
export type { CopyStats } from './copy.js';
export type { DataSubset } from '../../../domain/data-subset.js';
export { resolveSettings, type BuiltinVaultConfig } from './settings.js';
export { builtinSet, type BuiltinSetConfig } from './config.js';

/** How long a command waits for another process's conflicting vault lock. */
const LOCK_DEADLINE_MS = 60_000;

/**
 * The embedded engine: a deduplicating, compressed, optionally encrypted vault (docs/builtin-engine.md).
 */
export class BuiltinEngine implements BackupEngine<BuiltinSetConfig> {
  readonly kind = 'builtin';

  async run(request: EngineRunRequest<BuiltinSetConfig>): Promise<EngineRunResult> {
    const failed = (message: string, path?: string, cause?: VigilError): EngineRunResult => ({
      status: 'failed',
      counters: { files: 0, bytesScanned: 0, bytesNew: 0, errors: 1, warnings: 0 },
      log: [{ severity: 'critical', message, ...(path ? { path } : {}) }],
      ...(cause ? { stoppedBy: runStopper(cause) } : {}),
    });
    let settings: BuiltinSettings;
    try {
      settings = resolveSettings(request);
    } catch (error) {
      if (isVigilError(error)) return failed(describe(error), undefined, error);
      throw error;
    }
    // A missing source root fails the run before the vault is touched (a typo must not look like an empty backup).
    for (const root of settings.paths) {
      try {
        await fsp.lstat(root);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
        return failed(`source path ${root} ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code})`}; nothing was backed up`, root);
      }
    }
    let vault: Vault;
    try {
      // Only a set's first run creates its vault: after that a missing vault is an unmounted disk,
      // and a fresh empty vault on the parent disk would "complete" while backing up nothing old.
      vault = await Vault.open(openBackend(settings.target), { passphrase: settings.passphrase, create: request.hasHistory !== true });
    } catch (error) {
      if (isVigilError(error)) {
        const cause = error.code === 'ERR_VAULT_NOT_FOUND' && request.hasHistory === true ? missingVault(settings) : error;
        return failed(describe(cause), settings.vault, cause);
      }
      throw error;
    }
    const local = settings.target.kind === 'local';
    const refusal = request.allowRoot || !local ? undefined : await rootWriteRefusal(vault.root, `run ${settings.set}`);
    if (refusal) {
      await vault.close();
      return failed(describe(refusal), vault.root, refusal);
    }
    // A vault inside the backed-up paths would back itself up, growing by its own packs every run.
    const around = local ? rootsContaining(vault.root, settings.paths) : [];
    const { stats: _stats, ...result } = await backup({
      vault,
      set: settings.set,
      paths: settings.paths,
      exclude: settings.exclude,
      ...(around.length ? { skip: [vault.root] } : {}),
      signal: request.signal,
      onProgress: request.onProgress,
      lockDeadlineMs: LOCK_DEADLINE_MS,
    });
    if (around.length) result.log.unshift({ severity: 'info', message: `the vault ${vault.root} lies inside the backed-up path ${around.join(', ')}; it is left out of the backup` });
    return result;
  }

  async prune(request: EnginePruneRequest<BuiltinSetConfig>): Promise<EnginePruneResult> {
    try {
      return await prune(request, request);
    } catch (error) {
      if (!isVigilError(error)) throw error;
      return { status: 'failed', log: [{ severity: 'error', message: describe(error) }] };
    }
  }

  /** Source paths that do not exist. */
  problems(context: EngineSetContext<BuiltinSetConfig>): Problem[] {
    return context.config.paths.flatMap((p, index) => (existsSync(p) ? [] : [{ path: ['paths', index], message: `${p} does not exist`, severity: 'error' as const }]));
  }

  /** Builtin sets share the default vault: the key is the vault's absolute path, or its URL. */
  repositoryOf(context: EngineSetContext<BuiltinSetConfig>): string {
    const config: BuiltinVaultConfig = context.config;
    const remote = config.vaultTarget;
    return `builtin:${remote ? remote.url : path.resolve(context.dataDir, config.vault ?? 'vault')}`;
  }

  snapshots(request: EngineOperationRequest<BuiltinSetConfig>): Promise<EngineSnapshot[]> {
    return listSnapshots(request, { signal: request.signal });
  }

  restore(request: EngineRestoreRequest<BuiltinSetConfig>): Promise<EngineRestoreResult> {
    return restore(request, request);
  }

  verify(request: EngineVerifyRequest<BuiltinSetConfig>): Promise<EngineOutcome> {
    return verify(request, request);
  }

  async repair(request: EngineOperationRequest<BuiltinSetConfig>): Promise<EngineRepairResult> {
    const result = await repair(request, request);
    return { ...result, unhealable: result.stats.unhealable };
  }

  init(context: EngineSetContext<BuiltinSetConfig>): Promise<{ root: string; id: string; encrypted: boolean }> {
    return initVault(context);
  }
}

/** The vault of a set that has backed up before is gone: say so, and how to go on. */
function missingVault(settings: BuiltinSettings): VigilError {
  return new VigilError('ERR_VAULT_NOT_FOUND', `vault ${settings.vault} is missing (no vault config there), but set ${settings.set} has backed up to it before; it was not re-created`, {
    hint: `Is the vault's file system mounted? Mount it and run again. If the vault is lost for good, create a new one with \`vigil vault init ${settings.set}\` (the next run backs everything up afresh).`,
  });
}

function describe(error: VigilError): string {
  return error.hint ? `${error.message} — ${error.hint}` : error.message;
}

// ---------------------------------------------------------------------------------------------
// Library API for `vigil snapshots | restore | verify | prune`. Each takes the set's context (as
// the runner gets it), opens the vault without creating it, and takes the right lock with a
// deadline. They throw VigilError for what stops them outright (ERR_VAULT_NOT_FOUND,
// ERR_VAULT_PASSPHRASE, ERR_VAULT_LOCKED, ERR_VAULT_CORRUPT, ERR_VAULT_WRITE,
// ERR_SECRET_UNREADABLE); problems with single files are entries in `log` and a status.
// ---------------------------------------------------------------------------------------------

/** A snapshot as `vigil snapshots SET` lists it. */
export interface SnapshotSummary extends EngineSnapshot {
  id: string;
  shortId: string;
  set: string;
  time: string;
  hostname: string;
  paths: string[];
  files: number;
  bytes: number;
  errors: number;
}

/** What verify and prune return: an activity's status and log, like a backup run. */
export interface ActivityOutcome<S> {
  status: RunStatus;
  log: EngineLogEntry[];
  stats: S;
}

export interface CommonOptions {
  signal?: AbortSignal;
  onProgress?: (progress: EngineProgress) => void;
  /** Override of the lock wait (ms). */
  lockDeadlineMs?: number;
}

async function withVault<T>(context: EngineSetContext<BuiltinVaultConfig>, exclusive: boolean, options: CommonOptions, use: (vault: Vault, settings: BuiltinSettings) => Promise<T>): Promise<T> {
  const settings = resolveSettings(context);
  const vault = await Vault.open(openBackend(settings.target), { passphrase: settings.passphrase });
  let lock;
  try {
    lock = await acquireLock(vault.backend, { exclusive, deadlineMs: options.lockDeadlineMs ?? LOCK_DEADLINE_MS, signal: options.signal });
  } catch (error) {
    await vault.close(); // a remote vault's connection would keep the process alive
    throw error;
  }
  let hostDown = false;
  try {
    return await use(vault, settings);
  } catch (error) {
    hostDown = isVaultUnreachable(error);
    throw error;
  } finally {
    // A host that stopped answering would make the release wait out one more deadline: the lock
    // is left to expire (10 minutes) instead. Otherwise the lock first: releasing it is a vault
    // write, and closing ends a remote vault's connection.
    if (hostDown) lock.abandon();
    else await lock.release();
    await vault.close();
  }
}

/**
 * Creates the set's vault (`vigil vault init SET`): the one way besides a set's first run, e.g.
 * after a vault was lost for good. ERR_VAULT_EXISTS when a vault is there already (it is never
 * touched); ERR_VAULT_NOT_FOUND when the directory holds something else.
 */
export async function initVault(context: EngineSetContext<BuiltinVaultConfig>): Promise<{ root: string; id: string; encrypted: boolean }> {
  const settings = resolveSettings(context);
  try {
    const existing = await Vault.open(openBackend(settings.target), { passphrase: settings.passphrase });
    await existing.close();
  } catch (error) {
    if (!isVigilError(error) || error.code !== 'ERR_VAULT_NOT_FOUND') throw error;
    const vault = await Vault.open(openBackend(settings.target), { passphrase: settings.passphrase, create: true });
    await vault.close();
    return { root: vault.root, id: vault.config.id, encrypted: vault.config.encrypted };
  }
  throw new VigilError('ERR_VAULT_EXISTS', `${settings.vault} is already a vault; nothing was changed`, { hint: `Set ${settings.set} can use it as it is: \`vigil run ${settings.set}\`.` });
}

/** The set's snapshots, oldest first. Read-only; safe to call any time. */
export async function listSnapshots(context: EngineSetContext<BuiltinVaultConfig>, options: CommonOptions = {}): Promise<SnapshotSummary[]> {
  return withVault(context, false, options, async (vault, settings) =>
    (await loadSnapshots(vault, settings.set)).map((s) => ({
      id: s.id,
      shortId: s.id.slice(0, 12),
      set: s.set,
      time: s.time,
      hostname: s.hostname,
      paths: s.paths,
      files: s.stats.files,
      bytes: s.stats.bytes,
      errors: s.stats.errors,
    })),
  );
}

export interface RestoreOptions extends CommonOptions {
  /** Target directory; files land at `<to>/<original absolute path>`. Created if missing. */
  to: string;
  /** Snapshot id or unique prefix (>= 4 hex digits); default the set's latest. */
  snapshot?: string;
  /** Restore only this absolute path (a file or a directory subtree) of the snapshot. */
  path?: string;
}

/**
 * Restores a snapshot of the set. Idempotent (re-running overwrites the same files). Status:
 * `completed`, or `completed-with-errors` when some files could not be restored (each named in
 * `log`, e.g. damaged data), `incomplete` when aborted.
 */
export async function restore(context: EngineSetContext<BuiltinVaultConfig>, options: RestoreOptions): Promise<ActivityOutcome<RestoreStats> & { snapshotId: string }> {
  return withVault(context, false, options, async (vault, settings) => {
    const { index } = await vault.loadIndex();
    const snapshot = pickSnapshot(await loadSnapshots(vault, settings.set), settings.set, options.snapshot);
    const log: EngineLogEntry[] = [];
    const stats = await restoreTree({ vault, index, snapshot, to: options.to, only: options.path, signal: options.signal, onProgress: options.onProgress }, log);
    const status: RunStatus = options.signal?.aborted ? 'incomplete' : stats.errors > 0 ? 'completed-with-errors' : 'completed';
    log.push({ severity: 'info', message: `restored snapshot ${snapshot.id.slice(0, 12)} to ${options.to}: ${stats.files} files (${stats.bytes} bytes), ${stats.dirs} directories, ${stats.symlinks} symlinks` });
    return { status, log, stats, snapshotId: snapshot.id };
  });
}

export interface VerifyOptions extends CommonOptions {
  /** Also read every pack and re-hash every chunk (slow: reads the whole vault). */
  readData?: boolean;
  /** With readData: read only slice n of `of` of the packs (the weekly check's rotation). */
  readDataSubset?: DataSubset;
}

/**
 * Checks the vault the set uses (the whole vault: it is shared). Writes nothing but damage marks
 * for blob copies it finds damaged (so the next backup stores them afresh). Status `completed`
 * when sound, `completed-with-errors` when damage was found (the first log entry names the
 * snapshots and files affected; each damaged vault file and source path is an entry),
 * `completed-with-warnings` for damage that costs no data, `incomplete` when aborted.
 */
export async function verify(context: EngineSetContext<BuiltinVaultConfig>, options: VerifyOptions = {}): Promise<ActivityOutcome<VerifyStats>> {
  return withVault(context, false, options, async (vault) => {
    const log: EngineLogEntry[] = [];
    const subset = options.readData ? options.readDataSubset : undefined;
    const stats = await verifyVault({ vault, readData: options.readData ?? false, subset, signal: options.signal, onProgress: options.onProgress }, log);
    const warned = log.some((entry) => entry.severity === 'warning');
    const status: RunStatus = options.signal?.aborted ? 'incomplete' : stats.errors > 0 ? 'completed-with-errors' : warned ? 'completed-with-warnings' : 'completed';
    const mode = !options.readData ? '' : subset ? ` --read-data-subset=${describeSubset(subset)}` : ' --read-data';
    log.push({
      severity: stats.errors > 0 ? 'error' : 'info',
      message: `verify${mode} of ${vault.root}: ${stats.snapshots} snapshots, ${stats.packs} packs (${stats.packsRead} read), ${stats.blobs} blobs, ${stats.errors} problems`,
    });
    if (stats.damagedBlobs > 0) {
      log.push({ severity: 'info', message: `${stats.damagedBlobs} damaged blob copies set aside: the next backup stores those chunks afresh; \`vigil repair ${context.name}\` rebuilds the index from the intact data` });
    }
    return { status, log, stats };
  });
}

/**
 * Rebuilds the vault's index from its packs, keeping only blobs whose content verifies, and lists
 * the snapshots that cannot be healed (they reference data intact nowhere). Takes an exclusive
 * lock. Status `completed` when every snapshot is whole, `completed-with-errors` when some cannot
 * be healed (each named in `log`, the first entry lists them), `incomplete` when stopped (then
 * nothing was changed).
 */
export async function repair(context: EngineSetContext<BuiltinVaultConfig>, options: CommonOptions = {}): Promise<ActivityOutcome<RepairStats>> {
  return withVault(context, true, options, async (vault) => {
    const log: EngineLogEntry[] = [];
    const stats = await repairVault({ vault, signal: options.signal, onProgress: options.onProgress }, log);
    if (options.signal?.aborted) {
      const done = stats.indexReplaced ? 'the index was rebuilt, the check of the snapshots was not finished (run repair again to list them)' : 'nothing was changed';
      log.push({ severity: 'warning', message: `repair of ${vault.root} stopped after ${stats.packs} packs; ${done}` });
      return { status: 'incomplete', log, stats };
    }
    log.push({
      severity: 'info',
      message: `repair of ${vault.root}: ${stats.packs} packs read (${stats.bytesRead} bytes), ${stats.blobs} intact blobs indexed, ${stats.damagedBlobs} damaged copies left out, ${stats.filesReplaced} index files replaced; ${stats.snapshots} snapshots, ${stats.unhealable.length} cannot be healed`,
    });
    if (stats.unhealable.length) {
      log.push({ severity: 'info', message: `a backup of ${context.name} stores files that still exist afresh; files changed or deleted since cannot be restored from the snapshots listed (restore them from another copy, or \`prune\` those snapshots)` });
    }
    return { status: stats.unhealable.length ? 'completed-with-errors' : 'completed', log, stats };
  });
}

export interface PruneOptions extends CommonOptions {
  /** Overrides the set's `keep:`. Without either, no snapshot is removed (only unreferenced data). */
  keep?: KeepPolicy;
  dryRun?: boolean;
  /** Prune as root a vault another account owns (refused otherwise: ERR_VAULT_OWNER). */
  allowRoot?: boolean;
}

/**
 * Applies the set's retention policy and reclaims unreferenced data. Takes an exclusive lock
 * (waits for running backups up to the deadline). Safe to interrupt and to re-run.
 */
export async function prune(context: EngineSetContext<BuiltinVaultConfig>, options: PruneOptions = {}): Promise<ActivityOutcome<PruneStats>> {
  return withVault(context, true, options, async (vault, settings) => {
    const refusal = options.dryRun || options.allowRoot || settings.target.kind !== 'local' ? undefined : await rootWriteRefusal(vault.root, `prune ${settings.set}`);
    if (refusal) throw refusal;
    const log: EngineLogEntry[] = [];
    const stats = await pruneVault({ vault, set: settings.set, keep: options.keep ?? settings.keep ?? {}, dryRun: options.dryRun, onProgress: options.onProgress }, log);
    log.push({
      severity: 'info',
      message: `prune${options.dryRun ? ' (dry run)' : ''} of ${vault.root}: ${stats.snapshotsRemoved.length} snapshots removed, ${stats.snapshotsKept} kept, ${stats.packsDeleted} packs deleted, ${stats.packsRewritten} rewritten, ${stats.bytesFreed} bytes freed`,
    });
    return { status: 'completed', log, stats };
  });
}

export interface CopyVaultOptions extends CommonOptions {
  /** Only the snapshots of this set (default: every snapshot in SRC). */
  set?: string;
  /** Only this snapshot (id or unique prefix). */
  snapshot?: string;
}

/**
 * `vigil vault copy SRC DST`: copies snapshots from the vault of `from` to the vault of `to`
 * (copy.ts), each pack read back from DST and checked before it is named. Takes a shared lock on
 * both. A DST that does not exist yet is created, encrypted with DST's passphrase, or SRC's when
 * DST has none (an encrypted vault is never copied into a plaintext one by default). Idempotent
 * and resumable: a snapshot DST holds is not copied again, packs an interrupted copy stored are
 * taken in, not sent again. Status `completed`, or `incomplete` when stopped.
 */
export async function copyVault(from: EngineSetContext<BuiltinVaultConfig>, to: EngineSetContext<BuiltinVaultConfig>, options: CopyVaultOptions = {}): Promise<ActivityOutcome<CopyStats>> {
  const source = resolveSettings(from);
  const destination = resolveSettings(to);
  if (source.vault === destination.vault) {
    throw new VigilError('ERR_USAGE', `${from.name} and ${to.name} are the same vault (${source.vault}); nothing to copy`, { hint: 'Copy to another vault: vigil vault copy SRC DST.' });
  }
  return withVault(from, false, options, async (vault) => {
    const target = await Vault.open(openBackend(destination.target), { passphrase: destination.passphrase ?? source.passphrase, create: true });
    let lock;
    try {
      lock = await acquireLock(target.backend, { exclusive: false, deadlineMs: options.lockDeadlineMs ?? LOCK_DEADLINE_MS, signal: options.signal });
    } catch (error) {
      await target.close();
      throw error;
    }
    let hostDown = false;
    try {
      const log: EngineLogEntry[] = [];
      const stats = await copySnapshots({ from: vault, to: target, set: options.set, snapshot: options.snapshot, signal: options.signal, onProgress: options.onProgress }, log);
      const stopped = options.signal?.aborted === true;
      log.push({
        severity: stopped ? 'warning' : 'info',
        message: `copy from ${vault.root} to ${target.root}${stopped ? ' stopped before the end' : ''}: ${stats.snapshotsCopied} snapshots copied, ${stats.snapshotsSkipped} already there; ${stats.blobsSent} chunks sent (${stats.bytesSent} bytes), ${stats.packsVerified} packs read back and verified`,
      });
      return { status: stopped ? 'incomplete' : 'completed', log, stats };
    } catch (error) {
      hostDown = isVaultUnreachable(error);
      throw error;
    } finally {
      if (hostDown) lock.abandon();
      else await lock.release();
      await target.close();
    }
  });
}
