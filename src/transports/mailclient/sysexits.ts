/**
 * BSD sysexits.h, the exit statuses sendmail-compatible programs use to say what went wrong.
 * Each program documents its own subset; the per-program meaning is in catalogue.ts.
 */
export const SYSEXITS = {
  EX_OK: 0,
  EX_USAGE: 64,
  EX_DATAERR: 65,
  EX_NOINPUT: 66,
  EX_NOUSER: 67,
  EX_NOHOST: 68,
  EX_UNAVAILABLE: 69,
  EX_SOFTWARE: 70,
  EX_OSERR: 71,
  EX_OSFILE: 72,
  EX_CANTCREAT: 73,
  EX_IOERR: 74,
  EX_TEMPFAIL: 75,
  EX_PROTOCOL: 76,
  EX_NOPERM: 77,
  EX_CONFIG: 78,
} as const;

/** The shell's statuses for "found but cannot execute" and "not found". */
export const EXIT_NOT_EXECUTABLE = 126;
export const EXIT_NOT_FOUND = 127;

const NAMES: Record<number, string> = Object.fromEntries(Object.entries(SYSEXITS).map(([name, code]) => [code, name]));

/** `75 (EX_TEMPFAIL)`, or the bare number for statuses outside sysexits. */
export function describeExit(code: number): string {
  if (code === EXIT_NOT_EXECUTABLE) return '126 (not executable)';
  if (code === EXIT_NOT_FOUND) return '127 (not found)';
  const name = NAMES[code];
  return name ? `${code} (${name})` : String(code);
}
