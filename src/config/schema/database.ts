import { z } from 'zod';
import { secretRef } from './common.js';

/**
 * `database:` — PostgreSQL instead of the embedded SQLite in dataDir (docs/fleet.md, "Database").
 * Absent: SQLite. The password is a secret reference, never part of the URL.
 */

const PROTOCOLS = new Set(['postgres:', 'postgresql:']);
/** The one query parameter read: a unix-socket directory (postgres://vigil@localhost/vigil?host=/run/postgresql). */
const QUERY_KEYS = new Set(['host']);

/** What is wrong with a database URL, or undefined when it is usable. */
export function databaseUrlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `${JSON.stringify(text)} is not a URL; write postgres://USER@HOST:5432/DATABASE`;
  }
  const shown = JSON.stringify(url.password ? text.replace(`:${url.password}@`, ':***@') : text);
  if (!PROTOCOLS.has(url.protocol)) return `${shown} is not a PostgreSQL URL; write postgres://USER@HOST:5432/DATABASE`;
  if (url.password) return `${shown} has a password in it: secrets are never written inline in vigil.yaml; remove it and set database.password: { env: NAME } or { file: PATH }`;
  if (!url.username) return `${shown} names no role; write postgres://USER@HOST:5432/DATABASE`;
  if (url.pathname.length <= 1) return `${shown} names no database; write postgres://USER@HOST:5432/DATABASE`;
  if (!url.hostname && !url.searchParams.get('host')) return `${shown} names no host; write postgres://USER@HOST:5432/DATABASE, or postgres://USER@%2Frun%2Fpostgresql/DATABASE for a unix socket`;
  for (const key of url.searchParams.keys()) {
    if (!QUERY_KEYS.has(key)) return `${shown}: the parameter "${key}" is not read; TLS is set with database.tls: { caFile } (verify-full by default), and only ?host=/socket/dir is accepted`;
  }
  return undefined;
}

export const databaseSection = z
  .strictObject({
    url: z.string().superRefine((value, ctx) => {
      const problem = databaseUrlProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
    password: secretRef.optional(),
    /**
     * TLS to the database: verify-full (the certificate chain and the host name) for every host
     * but loopback and unix sockets. `caFile`: the CA that signed the server's certificate (default:
     * the system's CAs). `insecure: true`: no TLS to a non-local host (a network you trust entirely).
     */
    tls: z.strictObject({ caFile: z.string().min(1).optional(), insecure: z.boolean().default(false) }).optional(),
  })
  .optional();

export type DatabaseConfig = NonNullable<z.output<typeof databaseSection>>;
