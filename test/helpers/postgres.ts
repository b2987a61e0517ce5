import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './sshd-peer.js';

/**
 * A throwaway PostgreSQL cluster: Debian's binaries (/usr/lib/postgresql/<version>/bin, which is
 * not on PATH), `initdb` in a temporary directory, its own loopback port and unix-socket
 * directory, trust authentication on loopback only (but for members of `password_login`), fsync off (a test cluster need not survive a
 * power cut). Started once per test file (`usePostgres()` in use-postgres.ts); `stop()` ends it by PID
 * and removes its files.
 *
 * initdb and postgres refuse to run as root, and tests run as root here and in CI: the cluster
 * then runs as the `postgres` account Debian's package creates, in a directory it owns.
 *
 * The server never outlives the test process, even one killed with SIGKILL: it runs under a small
 * shell that holds a pipe from this process and shuts the server down when the pipe closes.
 */
export interface PostgresCluster {
  port: number;
  /** postgres://postgres@127.0.0.1:<port>/<database> (trust: no password). */
  url(database?: string): string;
  /** A new empty database (a copy of `template` when given); drop it when done. */
  newDatabase(template?: string): Promise<TestDatabase>;
  /** Runs one statement as the superuser in the `postgres` database. */
  query(sql: string, params?: unknown[]): Promise<pg.QueryResult>;
  /** An outage: shuts the server down (fast shutdown: sessions are ended), keeping its files. */
  halt(): Promise<void>;
  /** Ends the outage: starts the server again on the same port; resolves once it accepts connections. */
  resume(): Promise<void>;
  stop(): Promise<void>;
}

export interface TestDatabase {
  name: string;
  url: string;
  /** Drops it, closing any connection still open on it. */
  drop(): Promise<void>;
}

const run = promisify(execFile);
const STEP_TIMEOUT_MS = 60_000;
let databases = 0;

export interface ClusterOptions {
  /** Serve TLS with this certificate and key (PEM) besides plain connections. */
  tls?: { cert: string; key: string };
  /** Also listen on this (non-loopback) address, trusted like loopback (with or without TLS). */
  alsoListen?: string;
}

export async function startPostgres(options: ClusterOptions = {}): Promise<PostgresCluster> {
  const bin = postgresBin();
  const account = runAs();
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-pg-'));
  const data = path.join(dir, 'data');
  const sockets = path.join(dir, 'sockets');
  mkdirSync(sockets);
  if (account) {
    chownSync(dir, account.uid, account.gid);
    chownSync(sockets, account.uid, account.gid);
  }
  try {
    await run(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '--locale=C', '-E', 'UTF8', '--no-instructions'], {
      ...account,
      cwd: dir,
      timeout: STEP_TIMEOUT_MS,
    });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${(error as { stderr?: string }).stderr ?? (error as Error).message}`);
  }
  // Members of the role password_login must give their password (SCRAM): the tests of password
  // handling log in as one; everyone else is trusted on loopback.
  const hba = path.join(data, 'pg_hba.conf');
  writeFileSync(hba, `host all +password_login 127.0.0.1/32 scram-sha-256\n${readFileSync(hba, 'utf8')}`);
  const extra = options.tls ? serveTls(data, options.tls, account) : [];
  if (options.alsoListen) {
    writeFileSync(hba, `host all all ${options.alsoListen}/32 trust\n${readFileSync(hba, 'utf8')}`);
    extra.push('-c', `listen_addresses=127.0.0.1,${options.alsoListen}`);
  }
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const relaunch = () => launch(bin, data, sockets, port, dir, account, extra);
    const server = relaunch();
    try {
      await ready(port, server);
      return cluster(port, server, dir, relaunch);
    } catch (error) {
      await server.stop();
      if (attempt >= 2) {
        rmSync(dir, { recursive: true, force: true });
        throw error;
      }
    }
  }
}

/** The newest Debian PostgreSQL's bin directory. */
function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(path.join(root, v, 'bin', 'initdb'))) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  if (!versions[0]) throw new Error('PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): apt-get install postgresql');
  return path.join(root, versions[0], 'bin');
}

function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8', timeout: 10_000 }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

interface Server {
  pid(): number | undefined;
  exited(): boolean;
  log(): string;
  stop(): Promise<void>;
}

// The shell starts the server, prints its PID, then waits for its stdin (our pipe) to close: on
// `stop()` or on this process's death, however it dies. SIGINT is PostgreSQL's fast shutdown.
const GUARD = `"$0" "$@" >"$VIGIL_PG_LOG" 2>&1 & pg=$!
echo "$pg"
read -r _ || true
kill -INT "$pg" 2>/dev/null
wait "$pg"`;

/** The key must be the server account's and unreadable by others, or PostgreSQL refuses to start. */
function serveTls(data: string, tls: { cert: string; key: string }, account: { uid: number; gid: number } | undefined): string[] {
  const cert = path.join(data, 'server.crt');
  const key = path.join(data, 'server.key');
  writeFileSync(cert, tls.cert);
  writeFileSync(key, tls.key, { mode: 0o600 });
  if (account) {
    chownSync(cert, account.uid, account.gid);
    chownSync(key, account.uid, account.gid);
  }
  return ['-c', 'ssl=on', '-c', `ssl_cert_file=${cert}`, '-c', `ssl_key_file=${key}`];
}

function launch(
  bin: string,
  data: string,
  sockets: string,
  port: number,
  dir: string,
  account: { uid: number; gid: number } | undefined,
  extra: string[] = [],
): Server {
  const logFile = path.join(dir, `postgres-${port}.log`);
  const args = ['-D', data, '-p', String(port), '-k', sockets, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', ...extra];
  const child: ChildProcess = spawn('sh', ['-c', GUARD, path.join(bin, 'postgres'), ...args], {
    ...account,
    cwd: dir,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', VIGIL_PG_LOG: logFile },
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  let pid: number | undefined;
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    pid ??= Number(chunk.trim().split('\n')[0]);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const onExit = () => {
    // The pipe closes with us anyway; SIGQUIT (immediate shutdown) does not wait for the shell.
    if (pid) {
      try {
        process.kill(pid, 'SIGQUIT');
      } catch {
        /* already gone */
      }
    }
  };
  process.once('exit', onExit);
  return {
    pid: () => pid,
    exited: () => child.exitCode !== null || child.signalCode !== null,
    log: () => {
      try {
        return readFileSync(logFile, 'utf8').slice(-4000);
      } catch {
        return '';
      }
    },
    async stop() {
      process.removeListener('exit', onExit);
      child.stdin!.end();
      const timer = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), 20_000).unref());
      if ((await Promise.race([exited, timer])) === 'late') {
        for (const target of [pid, child.pid]) {
          try {
            if (target) process.kill(target, 'SIGKILL');
          } catch {
            /* already gone */
          }
        }
        await exited;
      }
    },
  };
}

async function ready(port: number, server: Server): Promise<void> {
  const until = Date.now() + STEP_TIMEOUT_MS;
  for (;;) {
    if (server.exited()) throw new Error(`postgres exited at start:\n${server.log()}`);
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres', connectionTimeoutMillis: 2_000 });
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await client.end().catch(() => undefined);
    }
    if (Date.now() > until) throw new Error(`postgres did not accept connections on port ${port} within ${STEP_TIMEOUT_MS} ms:\n${server.log()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function cluster(port: number, first: Server, dir: string, relaunch: () => Server): PostgresCluster {
  let server = first;
  const url = (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`;
  const admin = new pg.Pool({ connectionString: url(), max: 2, connectionTimeoutMillis: 10_000, query_timeout: STEP_TIMEOUT_MS });
  // An idle connection ended by the server (its shutdown) is dropped, not an uncaught error.
  admin.on('error', () => undefined);
  return {
    port,
    url,
    query: (sql, params) => admin.query(sql, params),
    async newDatabase(template) {
      const name = `vigil_test_${process.pid}_${++databases}`;
      await admin.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
      return { name, url: url(name), drop: async () => void (await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)) };
    },
    async halt() {
      await server.stop();
    },
    async resume() {
      server = relaunch();
      await ready(port, server);
    },
    async stop() {
      await admin.end();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
