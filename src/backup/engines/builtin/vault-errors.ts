import { VigilError } from '../../../domain/errors.js';
import type { RunStopper } from '../../../domain/events.js';

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
  const reason = REASONS[code] ?? (error instanceof Error ? error.message : String(error));
  const hint =
    code === 'ENOSPC' || code === 'EDQUOT'
      ? 'Free space on the vault\'s disk, or run `vigil prune SET` to reclaim data no snapshot needs.'
      : 'Check that the vault is mounted read-write and that the account Vigil runs as may write to it.';
  return new VigilError('ERR_VAULT_WRITE', `vault write failed at ${where} while ${doing}: ${reason}${code ? ` (${code})` : ''}`, { cause: error, hint });
}
