import type { BackupEvent, ServiceFault } from '../domain/events.js';

/**
 * Which service faults a finished run reveals, read from the error the runner and engines
 * already report (src/backup/runner.ts, engines/*): they know the failure, not that it is the
 * service's rather than the set's. Pure; the patterns match the engines' own wording.
 */
const RULES: Array<{ fault: ServiceFault; pattern: RegExp }> = [
  // Before vault: a vault write that failed for space is a full disk, not an unreachable vault.
  { fault: 'disk-full', pattern: /no space left on device|\bENOSPC\b|disk quota exceeded|\bEDQUOT\b/i },
  // runner.ts: no engine of that kind in this build; restic-engine.ts: the program is missing.
  { fault: 'engine-missing', pattern: /^engine \S+ is not available in this build|\bis not installed \(on Debian: apt install/ },
  // builtin: vault.ts / vault-errors.ts; restic: "Fatal: unable to open config file … Is there a repository …".
  {
    fault: 'vault-unreachable',
    pattern: /^vault write failed at .* \((ENOTDIR|ENOENT|EACCES|EPERM|EROFS|EIO|ENODEV|ENXIO|ESTALE|EHOSTDOWN|ETIMEDOUT)\)|\bno vault at \S+|unable to open (config file|repository)|Is there a repository at the following location/i,
  },
];

export function faultOfRun(event: Pick<BackupEvent, 'status' | 'firstError'>): ServiceFault | undefined {
  if (event.status !== 'failed' && event.status !== 'incomplete') return undefined;
  const text = event.firstError ?? '';
  return RULES.find((rule) => rule.pattern.test(text))?.fault;
}

/** A storage error as the database reports it: SQLITE_FULL is a full disk, the rest "unwritable". */
export function faultOfStoreError(error: unknown): ServiceFault | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  if (code === 'SQLITE_FULL') return 'disk-full';
  if (code.startsWith('SQLITE_') || code === 'ERR_STORE') return 'database-unwritable';
  return undefined;
}
