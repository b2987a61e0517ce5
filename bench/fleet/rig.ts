/**
 * What bench:fleet's parts share: the counting SMTP sink (bench/sink.ts in its own process), a
 * host's vigil.yaml on the fleet's database, child processes that are always reaped, and the
 * machine's load.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../test/helpers/sshd-peer.js';

export const BENCH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_ROOT = path.resolve(BENCH_DIR, '..');

export interface SinkReport {
  accepted: number;
  unique: number;
  duplicates: number;
  byDomain: Record<string, number>;
  /** Message bytes received (after the DATA stream's dot-unstuffing). */
  bytes: number;
  firstAt: number | null;
  lastAt: number | null;
  cpuSeconds: number;
}

/** bench/sink.ts counting Message-IDs, in its own process (its CPU is not the bench's). */
export class CountingSink {
  private readonly pending: Array<(report: SinkReport) => void> = [];
  private constructor(
    readonly port: number,
    private readonly child: ChildProcess,
  ) {
    createInterface({ input: child.stdout! }).on('line', (line) => this.pending.shift()?.(JSON.parse(line) as SinkReport));
  }

  static async start(): Promise<CountingSink> {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(BENCH_DIR, 'sink.ts'), String(port), '--count'], { stdio: ['pipe', 'pipe', 'inherit'] });
    for (let i = 0; i < 300; i++) {
      if (await listening(port)) return new CountingSink(port, child);
      await sleep(100);
    }
    child.kill('SIGKILL');
    throw new Error('the SMTP sink did not start within 30 s');
  }

  report(): Promise<SinkReport> {
    return new Promise((resolve) => {
      this.pending.push(resolve);
      this.child.stdin!.write('report\n');
    });
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.stdin!.end();
    const late = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(late);
  }
}

export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A dispatching host's SMTP parallelism: `outbox.concurrency` messages in flight over the
 * profile's `connections`, each connection reused for many messages. The named peer (peer-host.ts)
 * sends with the same.
 */
export const OUTBOX_CONCURRENCY = benchConcurrency(process.env.BENCH_FLEET_CONCURRENCY);

/** `BENCH_FLEET_CONCURRENCY`: another `outbox.concurrency` (docs/fleet.md, "Sizing"); 10 when unset. */
function benchConcurrency(text: string | undefined): number {
  if (text === undefined || text === '') return 10;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new Error(`BENCH_FLEET_CONCURRENCY=${text}: expected a whole number from 1 to 64 (outbox.concurrency's range)`);
  return n;
}
export const SMTP_CONNECTIONS = 5;

/** A host's directory and vigil.yaml: profile `sink` on the bench's SMTP sink, the fleet's database. */
export function hostConfig(options: { host: string; databaseUrl: string; smtpPort: number; extra?: string }): { dir: string; configFile: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), `vigil-fleet-${options.host}-`));
  const configFile = path.join(dir, 'vigil.yaml');
  writeFileSync(
    configFile,
    `dataDir: ./var
hostname: ${options.host}
database:
  url: ${options.databaseUrl}
mail: { profile: sink }
profiles:
  sink:
    method: smtp
    from: vigil@example.com
    connections: ${SMTP_CONNECTIONS}
    servers: [{ host: 127.0.0.1, port: ${options.smtpPort}, security: none }]
    addressBook:
      admins: [ops@example.com]
notification:
  admins: [admins]
outbox: { concurrency: ${OUTBOX_CONCURRENCY} }
${options.extra ?? ''}`,
  );
  return { dir, configFile, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A child process whose stdout lines can be awaited, killed by PID at the end whatever happens. */
export class Child {
  private out = '';
  private readonly waiters: Array<{ test: RegExp; resolve: (line: string) => void }> = [];
  readonly exited: Promise<number | null>;

  constructor(readonly process: ChildProcess) {
    // Lines of both streams are awaited: the service logs to stderr, the bench's children print to stdout.
    for (const stream of [process.stdout, process.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', (line) => {
        this.out += `${line}\n`;
        const i = this.waiters.findIndex((w) => w.test.test(line));
        if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(line);
      });
    }
    this.exited = new Promise((resolve) => process.once('close', resolve));
  }

  output(): string {
    return this.out;
  }

  /** The first line from now on matching `test`; rejects after `timeoutMs` or when the child exits. */
  line(test: RegExp, timeoutMs: number, what: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`gave up waiting for ${what} after ${timeoutMs} ms:\n${this.out.slice(-2000)}`)), timeoutMs);
      this.waiters.push({ test, resolve: (line) => (clearTimeout(timer), resolve(line)) });
      void this.exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`${what}: the process exited (${code}):\n${this.out.slice(-2000)}`));
      });
    });
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill(signal);
    await this.exited;
  }

  /** Closes its stdin (the bench's children exit then) and waits up to `graceMs`, then SIGKILL. */
  async stop(graceMs: number): Promise<void> {
    this.process.stdin?.end();
    const late = setTimeout(() => void this.kill(), graceMs);
    await this.exited;
    clearTimeout(late);
  }
}

/** The 1-minute load average, rounded: printed with every figure (the machine is shared). */
export const load1 = (): number => Number(loadavg()[0]!.toFixed(2));

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
