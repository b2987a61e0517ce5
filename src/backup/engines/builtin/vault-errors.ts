import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { isVaultUnreachable, VigilError } from '../../../domain/errors.js';
import type { RunStopper } from '../../../domain/events.js';
import { accountName, currentUid, loginName } from '../../../platform/accounts.js';

const REASONS: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EIO: 'input/output error',
  ENOTDIR: 'a path component is not a directory',
};

/** A run-stopping VigilError as the run's result carries it: its code and the errno behind it. */
export function runStopper(error: VigilError): RunStopper {
  const errno = (error.cause as NodeJS.ErrnoException | undefined)?.code;
  return typeof errno === 'string' ? { code: error.code, errno } : { code: error.code };
}

/** An I/O failure while writing the vault, as a message that says what, where and why. */
export function vaultWriteError(where: string, error: unknown, doing: string): VigilError {
  if (error instanceof VigilError) return error;
  const code = (error as NodeJS.ErrnoException).code ?? '';
  if (isPermissionDenied(error)) return permissionError(where, error, doing);
  const reason = REASONS[code] ?? (error instanceof Error ? error.message : String(error));
  const hint =
    code === 'ENOSPC' || code === 'EDQUOT'
      ? 'Free space on the vault\'s disk, or run `vigil prune SET` to reclaim data no snapshot needs.'
      : 'Check that the vault is mounted read-write and that the account Vigil runs as may write to it.';
  return new VigilError('ERR_VAULT_WRITE', `vault write failed at ${where} while ${doing}: ${reason}${code ? ` (${code})` : ''}`, { cause: error, hint });
}

export { isVaultUnreachable };

/**
 * Rethrows an error that stops the whole operation, not just the pack or file at hand: the vault's
 * host is down, gone or refuses us. Verify, repair and restore report other failures per item and
 * go on, but going on past this one would wait out a deadline for every item left (a dead host
 * answers nothing).
 */
export function stopIfUnreachable(error: unknown): void {
  if (isVaultUnreachable(error)) throw error;
}

export function isPermissionDenied(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'EACCES' || code === 'EPERM';
}

/**
 * EACCES/EPERM on a vault path, as what it is — not damage: who owns the path (or the directory
 * it goes into), its mode, and which account Vigil runs as. The usual cause is one run as root
 * (`sudo vigil run`) that left root-owned files the service account cannot read.
 */
export function permissionError(where: string, error: unknown, doing: string): VigilError {
  const uid = currentUid();
  const runsAs = uid === undefined ? '' : `, and Vigil runs as ${accountName(uid)}`;
  const root = vaultRootOf(where);
  const fix = uid === undefined ? '' : ` Give the files back to this account (as root: chown -R ${loginName(uid)}: ${root ?? 'the vault directory'}) and run Vigil only as it (sudo -u ${loginName(uid)} vigil run SET).`;
  return new VigilError('ERR_VAULT_PERMISSION', `permission denied ${doing} ${where}: ${ownership(where)}${runsAs}`, {
    cause: error,
    hint: `The vault is not damaged: this account may not use that path. A run as another account (often \`sudo vigil run\`) leaves files only it can use.${fix}`,
  });
}

/** "it is owned by root (uid 0), mode 0600", or the same of the nearest existing directory above it. */
function ownership(where: string): string {
  let current = where;
  for (let depth = 0; depth < 64; depth++) {
    try {
      const stats = statSync(current);
      const what = current === where ? 'it is' : `${current} is`;
      return `${what} owned by ${accountName(stats.uid)}, mode 0${(stats.mode & 0o7777).toString(8)}`;
    } catch {
      const parent = path.dirname(current);
      if (parent === current) break;
      current = parent;
    }
  }
  return 'its owner cannot be read';
}

/** The vault directory a path lies in (the nearest directory above it with a config and data/). */
function vaultRootOf(where: string): string | undefined {
  let current = where;
  for (let depth = 0; depth < 4; depth++) {
    if (existsSync(path.join(current, 'config')) && existsSync(path.join(current, 'data'))) return current;
    const parent = path.dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
  return undefined;
}
