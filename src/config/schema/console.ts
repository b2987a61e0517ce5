import { isIP } from 'node:net';
import { z } from 'zod';

/**
 * `console:` — the web console, JSON API and `/metrics` (docs/console.md). Absent: no console.
 * Only hashes are written here (`vigil console hash-password`), never a password or a token.
 */

/** `scrypt$N$r$p$salt$hash`, as `vigil console hash-password` prints it. */
export const SCRYPT_HASH = /^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/]+={0,2}\$[A-Za-z0-9+/]+={0,2}$/;

const secretHash = z.string().regex(SCRYPT_HASH, {
  error: 'is not an scrypt hash; run `vigil console hash-password` (the password or token on stdin) and paste the line it prints, e.g. "scrypt$32768$8$1$…"',
});

const userName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.@-]*$/, { error: 'user and token names use letters, digits, "-", "_", "." and "@"' });

/** `host:port`, `[v6]:port` or a bare port (then 127.0.0.1). */
export function parseListen(text: string): { host: string; port: number } | undefined {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+))?:?(\d{1,5})$/.exec(text.trim());
  if (!match) return undefined;
  const port = Number(match[3]);
  // Port 0 asks the system for a free port (tests; the URL is printed at start).
  if (port > 65535) return undefined;
  const host = match[1] ?? match[2] ?? '127.0.0.1';
  return { host, port };
}

/** Loopback only: 127.0.0.0/8, ::1 and `localhost`. Anything else reaches the network. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

export const consoleSection = z
  .strictObject({
    listen: z
      .string()
      .default('127.0.0.1:8470')
      .refine((v) => parseListen(v) !== undefined, { error: (iss) => `${JSON.stringify(iss.input)} is not an address to listen on; write host:port, e.g. 127.0.0.1:8470 or [::1]:8470` }),
    /** Serving a non-loopback address without TLS: passwords and session cookies cross the network in the clear. */
    insecure: z.boolean().default(false),
    tls: z.strictObject({ certFile: z.string().min(1), keyFile: z.string().min(1) }).optional(),
    users: z.record(userName, z.strictObject({ passwordHash: secretHash })).default({}),
    tokens: z.record(userName, z.strictObject({ hash: secretHash, scope: z.enum(['read']).default('read') })).default({}),
    /** How long a login lasts without use. */
    sessionMinutes: z.number().int().min(1).max(10_080).default(480),
  })
  .superRefine((c, ctx) => {
    const listen = parseListen(c.listen);
    if (listen && !isLoopback(listen.host) && !c.tls && !c.insecure) {
      ctx.addIssue({
        code: 'custom',
        path: ['listen'],
        message: `${c.listen} is reachable from the network: add tls: { certFile, keyFile } so passwords and cookies are encrypted, or insecure: true if a TLS proxy in front of it does that, or listen on 127.0.0.1`,
      });
    }
  })
  .optional();

export type ConsoleConfig = NonNullable<z.output<typeof consoleSection>>;
