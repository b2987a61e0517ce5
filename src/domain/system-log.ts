/**
 * The host's system log (syslog / the journal): where Vigil writes what an administrator must
 * see even when no mail gets through — the last channel of escalation (DESIGN.md §2).
 */
export interface SystemLog {
  /**
   * Writes one line at priority `crit`. Never rejects and never waits past its own deadline:
   * when the system log cannot be written the implementation says so somewhere else (stderr).
   */
  critical(line: string): Promise<void>;
}
