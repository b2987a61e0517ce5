import type { BackupEvent, RunStopper, ServiceFault } from '../domain/events.js';

// errno values of a vault write that mean "no room", as opposed to "cannot get at the vault".
const FULL = new Set(['ENOSPC', 'EDQUOT']);

/** Codes that mean "cannot get at the vault": missing, not ours, or an offsite vault's host down, key refused, host key wrong. */
const UNREACHABLE = new Set(['ERR_VAULT_NOT_FOUND', 'ERR_VAULT_PERMISSION', 'ERR_VAULT_UNREACHABLE', 'ERR_VAULT_AUTH', 'ERR_VAULT_HOST_KEY']);

/** The builtin engine's coded stopper (vault-errors.ts, vault.ts). */
function faultOfStopper(stopper: RunStopper): ServiceFault | undefined {
  if (stopper.code === 'ERR_VAULT_WRITE') return stopper.errno !== undefined && FULL.has(stopper.errno) ? 'disk-full' : 'vault-unreachable';
  if (UNREACHABLE.has(stopper.code)) return 'vault-unreachable';
  return undefined;
}

/**
 * Engines without codes, by the whole run-level message they write — anchored, so a file named
 * "no space left on device.txt" in a per-file error (`/path: reason`) never reads as a fault.
 */
const ENGINE_MISSING = [
  // runner.ts: no engine of that kind in this build.
  /^engine \S+ is not available in this build$/,
  // restic-engine.ts: the configured program is not on PATH.
  /^\S+ is not installed \(on Debian: apt install restic\)$/,
];

/**
 * restic-engine.ts: `restic exited with status N: <stderr tail joined by " | ">`. Per-item errors
 * arrive as JSON and are not in that tail; only restic's own `Fatal:` lines are read.
 */
const RESTIC_EXIT = /^restic exited with status \d+: (.*)$/;
const RESTIC_FATAL: Array<{ fault: ServiceFault; pattern: RegExp }> = [
  { fault: 'disk-full', pattern: /no space left on device|disk quota exceeded/i },
  { fault: 'vault-unreachable', pattern: /^Fatal: (unable to open config file|unable to open repository)/ },
];

/**
 * Which service fault a finished run reveals: the engines know the failure, not that it is the
 * service's rather than the set's. Pure. Prefers the error code; falls back to exact wording.
 */
export function faultOfRun(event: Pick<BackupEvent, 'status' | 'firstError' | 'stoppedBy'>): ServiceFault | undefined {
  if (event.status !== 'failed' && event.status !== 'incomplete') return undefined;
  if (event.stoppedBy) return faultOfStopper(event.stoppedBy);
  const text = event.firstError ?? '';
  if (ENGINE_MISSING.some((pattern) => pattern.test(text))) return 'engine-missing';
  const tail = RESTIC_EXIT.exec(text)?.[1];
  if (tail === undefined) return undefined;
  const fatal = tail.split(' | ').filter((line) => line.startsWith('Fatal: '));
  return RESTIC_FATAL.find((rule) => fatal.some((line) => rule.pattern.test(line)))?.fault;
}

/** A storage error as the database reports it: SQLITE_FULL is a full disk, the rest "unwritable". */
export function faultOfStoreError(error: unknown): ServiceFault | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  if (code === 'SQLITE_FULL') return 'disk-full';
  if (code.startsWith('SQLITE_') || code === 'ERR_STORE') return 'database-unwritable';
  return undefined;
}
