import pg from 'pg';
import { VigilError } from '../../domain/errors.js';

/** Where and how to connect; the password travels apart from the URL so no message can show it. */
export interface PgConnection {
  /** postgres://user@host:port/database, without a password (see redactUrl). */
  url: string;
  password?: string;
  /** undefined: no TLS (loopback, unix socket). */
  ssl?: pg.ClientConfig['ssl'];
}

/** Deadlines: no query, connection or idle transaction waits on the database for ever. */
export const CONNECT_TIMEOUT_MS = 10_000;
export const STATEMENT_TIMEOUT_MS = 30_000;
/** The client's own deadline, a little longer than the server's: it also covers a dead network. */
const QUERY_TIMEOUT_MS = STATEMENT_TIMEOUT_MS + 5_000;
const IDLE_IN_TRANSACTION_MS = 60_000;
const POOL_SIZE = 10;

// BIGINT (epoch ms, byte counts) and NUMERIC (SUM of a BIGINT) arrive as strings from pg: every
// one Vigil stores fits a double exactly (ms until the year 287,396; bytes under 9 PB).
const NUMBER_TYPES = new Set<number>([pg.types.builtins.INT8, pg.types.builtins.NUMERIC]);
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    NUMBER_TYPES.has(oid) ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/**
 * pg's Client, but a connection attempt that fails on our side (the server asks for a password
 * and none is configured) closes its socket: pg leaves it open, so the server holds the backend
 * until its authentication_timeout and a command would wait for it before exiting.
 *
 * The pool's callback is called as pg calls ours, synchronously on the connection's first
 * readiness: through a promise it would run a tick later, and the server ending the connection
 * in the same chunk (a restart, pg_terminate_backend) would find a client nobody listens on yet
 * — an unhandled 'error' event, ending the process.
 */
class ClosingClient extends pg.Client {
  override connect(): Promise<pg.Client>;
  override connect(callback: ((err: Error) => void) | ((err: null, c: pg.Client) => void)): void;
  override connect(callback?: ((err: Error) => void) | ((err: null, c: pg.Client) => void)): Promise<pg.Client> | void {
    if (!callback) return new Promise((resolve, reject) => this.connect((error: Error | null, client?: pg.Client) => (error ? reject(error) : resolve(client!))));
    const done = callback as (err: Error | null, c?: pg.Client) => void;
    super.connect((error: Error | null) => {
      if (!error) return done(null, this);
      (this as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
      done(error);
    });
  }
}

function ignoreCheckedOutError(): void {}

/** What a query runs on: the pool (one statement, autocommit) or a transaction's client. */
export interface Queryable {
  rows<R>(sql: Sql, params?: unknown[]): Promise<R[]>;
  one<R>(sql: Sql, params?: unknown[]): Promise<R | undefined>;
  /** Runs a statement; returns how many rows it changed. */
  run(sql: Sql, params?: unknown[]): Promise<number>;
}

/**
 * A statement the server keeps prepared on each connection, planned once rather than at every
 * run: for the few statements run per message (the Outbox's claim and results), whose planning
 * cost PostgreSQL as much as their execution. One text, one statement: its name is derived from it.
 */
export function prepared(sql: string): { name: string; text: string } {
  let hash = 0x811c9dc5;
  for (let i = 0; i < sql.length; i++) hash = Math.imul(hash ^ sql.charCodeAt(i), 0x01000193);
  return { name: `vigil_${(hash >>> 0).toString(36)}_${sql.length}`, text: sql };
}

const sent = { statements: 0, transactions: 0 };

/**
 * Statements this process sent to PostgreSQL (BEGIN and COMMIT included) and transactions it
 * ran (a statement in autocommit is one): bench:fleet reports them per delivered message,
 * figures the machine's load does not move.
 */
export function databaseWork(): { statements: number; transactions: number } {
  return { ...sent };
}

/** A statement's text, or a prepared statement (see prepared()). */
export type Sql = string | { name: string; text: string };

function query(target: pg.Pool | pg.PoolClient, sql: Sql, params?: unknown[]): Promise<pg.QueryResult> {
  sent.statements++;
  if (target instanceof pg.Pool) sent.transactions++;
  return typeof sql === 'string' ? target.query(sql, params) : target.query({ ...sql, values: params ?? [] });
}

function queryable(target: pg.Pool | pg.PoolClient): Queryable {
  return {
    rows: async <R>(sql: Sql, params?: unknown[]) => (await query(target, sql, params)).rows as R[],
    one: async <R>(sql: Sql, params?: unknown[]) => (await query(target, sql, params)).rows[0] as R | undefined,
    run: async (sql: Sql, params?: unknown[]) => (await query(target, sql, params)).rowCount ?? 0,
  };
}

/**
 * A pool of connections to one PostgreSQL database, shared by every port of a store. Plain
 * statements run in autocommit; `transaction` runs a function on one connection between BEGIN
 * and COMMIT (ROLLBACK on any error), `exclusive` also takes a transaction-scoped advisory lock
 * by name: the read-decide-write steps SQLite serialises with BEGIN IMMEDIATE are serialised per
 * name here, across every host sharing the database.
 */
export class PgDatabase implements Queryable {
  readonly pool: pg.Pool;
  private readonly direct: Queryable;

  constructor(readonly connection: PgConnection) {
    this.pool = new pg.Pool({
      Client: ClosingClient,
      ...connectionTarget(connection.url),
      password: connection.password,
      ssl: connection.ssl,
      types,
      max: POOL_SIZE,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      query_timeout: QUERY_TIMEOUT_MS,
      statement_timeout: STATEMENT_TIMEOUT_MS,
      idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_MS,
      application_name: 'vigil',
      keepAlive: true,
    });
    // An idle connection the server closed (restart, failover) is dropped from the pool; the next
    // query opens a new one. Without a listener the error would end the process.
    this.pool.on('error', () => undefined);
    // pg-pool listens on idle clients only. A client handed out (to a transaction, to the
    // migrations) is its caller's from the pool's 'acquire' on, but the caller can listen only
    // once its `await pool.connect()` resumes: a connection ended in that gap — the server's
    // "terminating connection" read in the same chunk as the connection's first readiness, as
    // during a restart or pg_terminate_backend at start-up — would be an unhandled 'error' event,
    // ending the process. Listened on for the whole check-out instead: the statement in flight,
    // or the next, fails on its own, and the pool drops the client when it comes back.
    this.pool.on('acquire', (client) => client.on('error', ignoreCheckedOutError));
    this.pool.on('release', (_error: Error | undefined, client: pg.PoolClient) => client.removeListener('error', ignoreCheckedOutError));
    this.direct = queryable(this.pool);
  }

  rows<R>(sql: Sql, params?: unknown[]): Promise<R[]> {
    return this.direct.rows<R>(sql, params);
  }

  one<R>(sql: Sql, params?: unknown[]): Promise<R | undefined> {
    return this.direct.one<R>(sql, params);
  }

  run(sql: Sql, params?: unknown[]): Promise<number> {
    return this.direct.run(sql, params);
  }

  async transaction<T>(body: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    // A client out of the pool has no 'error' listener (the pool's is for idle clients): the server
    // going away between two statements would be an unhandled 'error' event, ending the process.
    // The statement in flight (or the next) fails on its own; the client is then not reused.
    const onError = (error: Error) => (broken = error);
    client.on('error', onError);
    try {
      sent.transactions++;
      await query(client, 'BEGIN');
      const result = await body(queryable(client));
      await query(client, 'COMMIT');
      return result;
    } catch (error) {
      // A failed ROLLBACK means the connection is unusable: it is destroyed, not reused.
      await client.query('ROLLBACK').catch((rollback: Error) => (broken = rollback));
      throw error;
    } finally {
      client.release(broken);
      client.removeListener('error', onError);
    }
  }

  /**
   * One statement outside any transaction block (VACUUM refuses one) on a connection of its own,
   * with a deadline of its own: maintenance after a bulk load may rightly take longer than the
   * 30 s every other statement gets. The connection is closed afterwards, not pooled with the
   * longer timeout still set.
   */
  async maintenance(sql: string, deadlineMs: number): Promise<void> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    const onError = (error: Error) => (broken = error);
    client.on('error', onError);
    try {
      sent.statements += 2;
      sent.transactions += 2;
      await client.query(`SET statement_timeout = ${Math.max(1, Math.round(deadlineMs))}`);
      await client.query({ text: sql, query_timeout: deadlineMs + 5_000 } as pg.QueryConfig);
    } finally {
      client.release(broken ?? true);
      client.removeListener('error', onError);
    }
  }

  /** A transaction holding the advisory lock `vigil:<name>` until it ends. */
  exclusive<T>(name: string, body: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.transaction(async (tx) => {
      await tx.run(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`vigil:${name}`]);
      return body(tx);
    });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/**
 * Host, port, role and database from the URL, parsed here rather than by pg: pg lets what it
 * parses from a connection string override the rest of its settings (an empty password, the
 * TLS options), and `database.tls` is the one place TLS is set. The host is a name, an address,
 * or a unix-socket directory (`postgres://vigil@%2Frun%2Fpostgresql/vigil`, or `?host=/run/postgresql`).
 */
export function connectionTarget(text: string): { host: string; port: number; user: string; database: string } {
  const url = new URL(text);
  return {
    host: url.searchParams.get('host') ?? decodeURIComponent(url.hostname.replace(/^\[|\]$/g, '')),
    port: url.port ? Number(url.port) : 5432,
    user: decodeURIComponent(url.username),
    database: decodeURIComponent(url.pathname.slice(1)),
  };
}

/** The URL with any password replaced: what errors and logs may show. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an unparsable URL)';
  }
}

/** A connection failure, classified: the database is unreachable or refused us. */
export function storeUnavailable(connection: PgConnection, error: unknown): VigilError {
  const code = (error as { code?: string }).code;
  const message = (error as Error).message ?? String(error);
  const where = redactUrl(connection.url);
  const hint =
    code === '28P01' || code === '28000'
      ? 'The database refused the credentials: check database.password (and the role in database.url) and pg_hba.conf.'
      : code === '3D000'
        ? 'The database in database.url does not exist: create it (docs/fleet.md, "Database").'
        : 'Check that PostgreSQL is running and reachable from this host (database.url), and the TLS settings (database.tls).';
  return new VigilError('ERR_STORE', `cannot connect to the database ${where}: ${message}`, { hint, cause: error });
}

// Node's socket errors of a server that is down, restarting or cut off.
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENOTFOUND', 'EAI_AGAIN']);
// SQLSTATEs of a server going away: class 08 (connection exception), and the shutdowns and the
// start-up of class 57 (admin_shutdown, crash_shutdown, cannot_connect_now).
const SERVER_GONE = /^(08...|57P01|57P02|57P03)$/;
// What pg itself says when the connection, not the statement, failed (its errors carry no code).
const PG_CONNECTION_TEXT = /Connection terminated|connection timeout|timeout exceeded when trying to connect|not queryable|Query read timeout/i;

/**
 * Whether an error is the database being unreachable (down, restarting, the network cut), as
 * opposed to the statement or the data: what a host buffers locally until it returns. Looks
 * through `cause` (storeUnavailable wraps the connection error).
 */
export function isConnectionLost(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (SOCKET_CODES.has(code) || SERVER_GONE.test(code))) return true;
    if (code === undefined && PG_CONNECTION_TEXT.test((e as Error).message ?? '')) return true;
  }
  return false;
}
