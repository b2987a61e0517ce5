import type { EngineLogEntry } from './engine.js';
import type { Severity } from '../domain/message.js';

/**
 * Keeps a program's output for the run's log without keeping megabytes of it: the first
 * `head` lines and the last `tail` lines, and totals of what was cut between them.
 */
export class OutputCapture {
  private readonly first: EngineLogEntry[] = [];
  private readonly last: EngineLogEntry[] = [];
  private droppedLines = 0;
  private droppedBytes = 0;
  private lastLine = '';

  constructor(private readonly limits: { head: number; tail: number } = { head: 150, tail: 100 }) {}

  add(stream: 'stdout' | 'stderr', line: string, severity: Severity = 'info'): void {
    if (line.trim() === '') return;
    this.lastLine = line;
    const entry: EngineLogEntry = { severity, message: stream === 'stderr' ? `stderr: ${line}` : line };
    if (this.first.length < this.limits.head) {
      this.first.push(entry);
      return;
    }
    this.last.push(entry);
    if (this.last.length > this.limits.tail) {
      const dropped = this.last.shift()!;
      this.droppedLines++;
      this.droppedBytes += Buffer.byteLength(dropped.message) + 1;
    }
  }

  /** The most recent line, for progress displays. */
  get latest(): string {
    return this.lastLine;
  }

  /** The last lines of stderr, to explain a failure in one entry. */
  tailOf(stream: 'stdout' | 'stderr', count: number): string[] {
    const prefix = stream === 'stderr' ? 'stderr: ' : '';
    return [...this.first, ...this.last]
      .filter((e) => (prefix ? e.message.startsWith(prefix) : !e.message.startsWith('stderr: ')))
      .slice(-count)
      .map((e) => e.message.slice(prefix.length));
  }

  entries(): EngineLogEntry[] {
    if (this.droppedLines === 0) return [...this.first, ...this.last];
    const cut: EngineLogEntry = {
      severity: 'info',
      message: `… ${this.droppedLines} line(s) of output (${this.droppedBytes} bytes) not kept; the first ${this.limits.head} and last ${this.limits.tail} are`,
    };
    return [...this.first, cut, ...this.last];
  }

  get dropped(): { lines: number; bytes: number } {
    return { lines: this.droppedLines, bytes: this.droppedBytes };
  }
}
