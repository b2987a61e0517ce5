import { format } from 'node:util';

/** Upper bound of one attempt's transcript; the rest is summarised. */
const MAX_TRANSCRIPT = 16_384;

/**
 * A bunyan-style logger for nodemailer's SMTPConnection that writes the SMTP conversation of
 * the current attempt: `C:` lines we sent, `S:` lines the server answered, `*` events.
 * The connection's logger is fixed, so the pool points it at each attempt in turn.
 */
export class TranscriptRecorder {
  private lines: string[] = [];
  private size = 0;
  private dropped = 0;
  /** Set when nodemailer reports that the message data was fully written to the socket. */
  dataSent = false;

  begin(): void {
    this.lines = [];
    this.size = 0;
    this.dropped = 0;
    this.dataSent = false;
  }

  note(line: string): void {
    if (this.size + line.length > MAX_TRANSCRIPT) {
      this.dropped++;
      return;
    }
    this.lines.push(line);
    this.size += line.length + 1;
  }

  /** The server's last reply line of this attempt, e.g. `535 5.7.3 Authentication unsuccessful`. */
  lastReply(): string | undefined {
    for (let i = this.lines.length - 1; i >= 0; i--) if (this.lines[i]!.startsWith('S: ')) return this.lines[i]!.slice(3);
    return undefined;
  }

  /** Whether any server line of this attempt matches `pattern` (e.g. an EHLO keyword). */
  serverSaid(pattern: RegExp): boolean {
    return this.lines.some((line) => line.startsWith('S: ') && pattern.test(line.slice(3)));
  }

  text(): string {
    return this.dropped ? `${this.lines.join('\n')}\n* … ${this.dropped} more line(s) not kept` : this.lines.join('\n');
  }

  /** The logger object handed to SMTPConnection. */
  readonly logger = {
    level: () => undefined,
    trace: (...args: unknown[]) => this.record(args),
    debug: (...args: unknown[]) => this.record(args),
    info: (...args: unknown[]) => this.record(args),
    warn: (...args: unknown[]) => this.record(args),
    error: (...args: unknown[]) => this.record(args),
    fatal: (...args: unknown[]) => this.record(args),
  };

  private record(args: unknown[]): void {
    const [entry, message, ...rest] = args as [{ tnx?: string } | undefined, string, ...unknown[]];
    const tnx = entry?.tnx;
    if (tnx === 'message') {
      this.dataSent = true; // "<N bytes encoded mime message>": the final dot went out
      this.note(`C: <message data, ${format(message, ...rest).match(/\d+/)?.[0] ?? '?'} bytes>`);
      return;
    }
    const prefix = tnx === 'client' ? 'C:' : tnx === 'server' ? 'S:' : '*';
    for (const line of format(message, ...rest).split(/\r?\n/)) if (line) this.note(`${prefix} ${line}`);
  }
}
