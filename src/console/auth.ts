import { createHash } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { ConsoleConfig } from '../config/schema/index.js';
import type { LoginLimiter } from './login-limiter.js';
import { verifySecret } from './password-hash.js';
import type { Session, SessionStore } from './sessions.js';

/** Who is asking: a person logged in (may change things) or a read-only API token. */
export type Principal = { kind: 'user'; name: string; session: Session } | { kind: 'token'; name: string; scope: 'read' };

export type ConsoleEnv = {
  Variables: {
    principal: Principal | undefined;
    /**
     * The service's redactor over a body the handler is about to send (app.ts, redactBodies): a
     * body passed through it is not decoded and redacted a second time on its way out.
     */
    redact: (body: string) => string;
    /** The handler's body is already redacted (e.g. /metrics, redacted when its parts were built): not read back. */
    redactedAtSource: () => void;
  };
};

export const SESSION_COOKIE = 'vigil_session';
/** Under TLS the cookie takes the __Host- prefix: the browser then insists on Secure, Path=/ and no Domain. */
export function cookieName(tls: boolean): string {
  return tls ? `__Host-${SESSION_COOKIE}` : SESSION_COOKIE;
}

export function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * Bearer tokens checked against `console.tokens`. scrypt is slow on purpose, so a token that
 * matched is remembered by its SHA-256 (never the token itself) and a scrape every 15 s costs
 * one hash, not one scrypt per configured token.
 */
export class TokenVerifier {
  private readonly known = new Map<string, string>();

  constructor(private readonly tokens: () => ConsoleConfig['tokens']) {}

  async verify(token: string): Promise<string | undefined> {
    const digest = createHash('sha256').update(token).digest('hex');
    const tokens = this.tokens();
    const remembered = this.known.get(digest);
    if (remembered && tokens[remembered]) return remembered;
    for (const [name, t] of Object.entries(tokens)) {
      if (await verifySecret(token, t.hash)) {
        if (this.known.size > 100) this.known.clear();
        this.known.set(digest, name);
        return name;
      }
    }
    return undefined;
  }
}

/**
 * Sets `principal` from `Authorization: Bearer …` or the session cookie. A bearer token that
 * does not match answers 401 at once and counts as a failed login for its client address.
 */
export function authenticate(deps: { sessions: SessionStore; tokens: TokenVerifier; limiter: LoginLimiter; tls: boolean }): MiddlewareHandler<ConsoleEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    if (header !== undefined) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      const key = [`ip:${clientAddress(c)}`];
      const wait = deps.limiter.retryAfterMs(key);
      if (wait > 0) return tooMany(c, wait);
      const name = match ? await deps.tokens.verify(match[1]!) : undefined;
      if (!name) {
        deps.limiter.fail(key);
        return unauthorized(c, 'the bearer token is not one of console.tokens');
      }
      c.set('principal', { kind: 'token', name, scope: 'read' });
      return next();
    }
    const session = deps.sessions.get(getCookie(c, cookieName(deps.tls)));
    c.set('principal', session ? { kind: 'user', name: session.user, session } : undefined);
    return next();
  };
}

export function unauthorized(c: Context, why: string): Response {
  c.header('WWW-Authenticate', 'Bearer realm="vigil"');
  return c.json({ error: `not authenticated: ${why}`, code: 'unauthorized' }, 401);
}

export function tooMany(c: Context, waitMs: number): Response {
  c.header('Retry-After', String(Math.ceil(waitMs / 1000)));
  return c.json({ error: 'too many failed logins from this address or for this user; try again later', code: 'rate-limited' }, 429);
}
