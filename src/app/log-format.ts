import { fstatSync } from 'node:fs';

/**
 * How log lines are written to stderr:
 * - `text`: `2026-11-29T10:00:00.000Z warn  message {"fields"}`, for a terminal or a file;
 * - `journal`: `<4>message {"fields"}`, for systemd's journal, which stamps the time itself and
 *   reads the `<N>` prefix as the line's priority (sd-daemon(3)), so `journalctl -p warning` works;
 * - `json`: one JSON object per line (`time`, `level`, `message`, `fields`), for log shippers.
 */
export type LogFormat = 'text' | 'journal' | 'json';

/** What `--log-format` and `VIGIL_LOG_FORMAT` accept; `auto` is journal under systemd, else text. */
export const LOG_FORMAT_CHOICES = ['auto', 'text', 'journal', 'json'] as const;
export type LogFormatChoice = (typeof LOG_FORMAT_CHOICES)[number];

export function isLogFormatChoice(value: string): value is LogFormatChoice {
  return (LOG_FORMAT_CHOICES as readonly string[]).includes(value);
}

/**
 * The format for this process: `VIGIL_LOG_FORMAT` (set by `--log-format` too) when it names one,
 * else `journal` when stderr is the journal's stream, else `text`. An unknown value is refused by
 * the command line before anything logs; here it counts as `auto`, since a logger cannot fail.
 */
export function logFormatFor(env: NodeJS.ProcessEnv, stderrFd = 2): LogFormat {
  const chosen = env.VIGIL_LOG_FORMAT;
  if (chosen === 'text' || chosen === 'journal' || chosen === 'json') return chosen;
  return stderrIsJournal(env.JOURNAL_STREAM, stderrFd) ? 'journal' : 'text';
}

/**
 * systemd sets JOURNAL_STREAM=<device>:<inode> of the stream it connected to stdout/stderr.
 * Children inherit the variable even when their stderr goes elsewhere (`vigil run` typed in a
 * shell started from a service, `2> file`), so it counts only when it names our stderr — the
 * check sd_journal_stream_fd(3) asks of its callers.
 */
export function stderrIsJournal(journalStream: string | undefined, stderrFd = 2): boolean {
  const match = /^(\d+):(\d+)$/.exec(journalStream ?? '');
  if (!match) return false;
  try {
    const stat = fstatSync(stderrFd, { bigint: true });
    return String(stat.dev) === match[1] && String(stat.ino) === match[2];
  } catch {
    return false; // no stderr at all
  }
}
