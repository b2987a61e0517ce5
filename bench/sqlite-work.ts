/**
 * Bench only: counts the SQLite statements and transactions this process runs, so bench:outbox
 * can report them per message — figures the machine's load does not move, as bench:fleet's
 * databaseWork() does for PostgreSQL. It counts at better-sqlite3's Statement, not in Vigil's
 * store, so that it measures any built tree alike (the commit before PostgreSQL has no counter):
 * the bench wraps the prototype's run/get/all/iterate once, in its own process, before the tree
 * opens its database. Nothing in src/ or test/ does this.
 *
 * The definitions are databaseWork()'s: statements include BEGIN and COMMIT; a transaction is a
 * BEGIN … COMMIT or a statement run outside one. `commits` are the transactions that wrote (with
 * WAL and synchronous = FULL, one fsync each): COMMITs, and writes outside a transaction.
 */
import { createRequire } from 'node:module';

export interface SqliteWork {
  statements: number;
  transactions: number;
  commits: number;
}

const work: SqliteWork = { statements: 0, transactions: 0, commits: 0 };
let counting = false;

interface CountedStatement {
  source: string;
  reader: boolean;
  database: { inTransaction: boolean };
}

/**
 * Starts counting for the better-sqlite3 that `fromFile` (a file of the tree measured) resolves.
 * Idempotent.
 */
export function countSqliteWork(fromFile: string): void {
  if (counting) return;
  counting = true;
  const Database = createRequire(fromFile)('better-sqlite3') as new (file: string) => { prepare(sql: string): object; close(): void };
  const probe = new Database(':memory:');
  const proto = Object.getPrototypeOf(probe.prepare('SELECT 1')) as Record<string, (...args: unknown[]) => unknown>;
  probe.close();
  for (const method of ['run', 'get', 'all', 'iterate']) {
    const original = proto[method]!;
    proto[method] = function (this: CountedStatement, ...args: unknown[]) {
      work.statements++;
      const outside = !this.database.inTransaction;
      if (outside) work.transactions++;
      if (this.source === 'COMMIT' || (outside && !this.reader && !this.source.startsWith('BEGIN'))) work.commits++;
      return original.apply(this, args);
    };
  }
}

export function sqliteWork(): SqliteWork {
  return { ...work };
}
