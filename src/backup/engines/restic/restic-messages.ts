import type { EngineLogEntry } from '../../engine.js';

/**
 * The JSON lines `restic backup --json` writes on stdout (restic 0.12+): `status` while it runs,
 * `error` per unreadable item, one `summary` at the end. Unknown or malformed lines are kept as
 * plain output, never fatal.
 */
export interface ResticStatus {
  message_type: 'status';
  percent_done?: number;
  total_files?: number;
  files_done?: number;
  total_bytes?: number;
  bytes_done?: number;
  error_count?: number;
  seconds_remaining?: number;
  current_files?: string[];
}

export interface ResticSummary {
  message_type: 'summary';
  files_new: number;
  files_changed: number;
  files_unmodified: number;
  dirs_new?: number;
  dirs_changed?: number;
  dirs_unmodified?: number;
  data_added: number;
  total_files_processed: number;
  total_bytes_processed: number;
  total_duration: number;
  snapshot_id?: string;
}

export interface ResticError {
  message_type: 'error';
  error?: { Op?: string; Path?: string; Err?: number | string } | string | Record<string, never>;
  during?: string;
  item?: string;
}

export type ResticMessage = ResticStatus | ResticSummary | ResticError | { message_type: 'verbose_status' };

export function parseResticLine(line: string): ResticMessage | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value = JSON.parse(line) as { message_type?: unknown };
    return typeof value.message_type === 'string' ? (value as ResticMessage) : undefined;
  } catch {
    return undefined;
  }
}

// Go's syscall.Errno numbers restic prints in `error.Err` for the common cases.
const ERRNO: Record<number, string> = { 1: 'operation not permitted', 2: 'no such file or directory', 5: 'input/output error', 13: 'permission denied', 40: 'too many levels of symbolic links' };

/** An `error` message as a log entry naming the path. */
export function errorEntry(message: ResticError): EngineLogEntry {
  const error = message.error;
  let reason = 'could not be read';
  if (typeof error === 'string') reason = error;
  else if (error && typeof error === 'object' && 'Op' in error) {
    const err = typeof error.Err === 'number' ? (ERRNO[error.Err] ?? `errno ${error.Err}`) : (error.Err ?? 'error');
    reason = `${error.Op ?? 'access'}: ${err}`;
  }
  const item = message.item ?? (error && typeof error === 'object' && 'Path' in error ? error.Path : undefined);
  return { severity: 'error', message: `${item ?? 'an item'}: ${reason}${message.during ? ` (during ${message.during})` : ''}`, ...(item ? { path: item } : {}) };
}
