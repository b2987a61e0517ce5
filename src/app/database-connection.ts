import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readSecret } from '../config/secrets.js';
import { isLoopback } from '../config/schema/console.js';
import type { DatabaseConfig } from '../config/schema/index.js';
import { VigilError } from '../domain/errors.js';
import { connectionTarget, type PgConnection } from '../storage/postgres/database.js';

/**
 * From `database:` to what the PostgreSQL store connects with: the password read from its
 * secret, and TLS decided by where the database is.
 *
 * - loopback (127.0.0.0/8, ::1, localhost) or a unix socket: nothing crosses a network, so no TLS
 *   is required (a caFile still turns verify-full on);
 * - any other host: verify-full — the chain against `caFile` (or the system's CAs) and the host
 *   name against the certificate — unless `tls.insecure: true` says this network needs none.
 */
export function databaseConnection(database: DatabaseConfig, baseDir: string, env: NodeJS.ProcessEnv = process.env): PgConnection {
  const { host } = connectionTarget(database.url);
  const local = host.startsWith('/') || isLoopback(host);
  const password = database.password ? readSecret(database.password, 'database.password', env) : undefined;
  const tls = database.tls;
  const connection: PgConnection = { url: database.url, ...(password !== undefined ? { password } : {}) };
  if (tls?.caFile) return { ...connection, ssl: { ca: readCa(path.resolve(baseDir, tls.caFile)), rejectUnauthorized: true } };
  if (local || tls?.insecure) return connection;
  return { ...connection, ssl: { rejectUnauthorized: true } };
}

function readCa(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new VigilError('ERR_STORE', `database.tls.caFile: cannot read ${file} (${code})`, {
      hint: 'Give the PEM file of the CA that signed the database server certificate, readable by the account the service runs as.',
    });
  }
}
