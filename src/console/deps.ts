import type { Context, MiddlewareHandler } from 'hono';
import type { AppContext } from '../app/context.js';
import type { Clock } from '../domain/clock.js';
import type { ConsoleEnv } from './auth.js';
import type { PageContext } from './pages/layout.js';
import { csrfMatches } from './sessions.js';
import { chunkedResponse, encodeInChunks } from './chunked-body.js';

/** What the console's routes need. */
export interface ConsoleDeps {
  /** The app now: `vigil start` reopens it on a reload, and the console follows. */
  app: () => AppContext;
  /** `vigil console`: look, never change (no backups run, no message is sent). */
  readOnly: boolean;
  tls: boolean;
  clock: Clock;
}

/** Pages: someone logged in (or a token, which may read); otherwise the login page. */
export const requirePageReader: MiddlewareHandler<ConsoleEnv> = async (c, next) => {
  if (!c.get('principal')) return c.redirect('/login', 303);
  return next();
};

/** API and /metrics: a session or a token; otherwise 401. */
export const requireReader: MiddlewareHandler<ConsoleEnv> = async (c, next) => {
  if (!c.get('principal')) {
    c.header('WWW-Authenticate', 'Bearer realm="vigil"');
    return c.json({ error: 'not authenticated: log in, or send Authorization: Bearer <token>', code: 'unauthorized' }, 401);
  }
  return next();
};

/**
 * Every state change: a logged-in person (tokens are read-only), a console that may change
 * things, and the session's CSRF token in the form (`_csrf`) or the `X-CSRF-Token` header.
 */
export function requireWriter(deps: ConsoleDeps): MiddlewareHandler<ConsoleEnv> {
  return async (c, next) => {
    const principal = c.get('principal');
    if (!principal) return c.json({ error: 'not authenticated', code: 'unauthorized' }, 401);
    if (principal.kind !== 'user') return c.json({ error: `token ${principal.name} has scope read: it cannot change anything`, code: 'forbidden' }, 403);
    if (deps.readOnly) return c.json({ error: 'this is a read-only console (vigil console): changes are made through vigil start’s console or the command line', code: 'read-only' }, 403);
    const submitted = c.req.header('x-csrf-token') ?? (await formField(c, '_csrf'));
    if (!csrfMatches(principal.session, submitted)) return c.json({ error: 'missing or wrong CSRF token: reload the page and try again', code: 'csrf' }, 403);
    return next();
  };
}

async function formField(c: Context, name: string): Promise<string | undefined> {
  const type = c.req.header('content-type') ?? '';
  if (!type.startsWith('application/x-www-form-urlencoded') && !type.startsWith('multipart/form-data')) return undefined;
  const body = await c.req.parseBody();
  const value = body[name];
  return typeof value === 'string' ? value : undefined;
}

/** The page context of this request; takes the session's one-time flash line. */
export function pageContext(c: Context<ConsoleEnv>, deps: ConsoleDeps): PageContext {
  const principal = c.get('principal');
  const app = deps.app();
  let flash: PageContext['flash'];
  if (principal?.kind === 'user') {
    flash = principal.session.flash;
    delete principal.session.flash;
  }
  return {
    user: principal?.name,
    csrf: principal?.kind === 'user' ? principal.session.csrf : undefined,
    readOnly: deps.readOnly || principal?.kind !== 'user',
    timezone: app.loaded.config.admin.timezone,
    hostname: app.hostname,
    flash,
  };
}

/**
 * A page as a whole HTML document (hono/jsx renders elements; the doctype keeps browsers out of
 * quirks mode), sent in small chunks (chunked-body.ts: the Overview is ~135 KB).
 */
export async function render(c: Context<ConsoleEnv>, node: { toString(): string | Promise<string> }, status: 200 | 401 | 404 | 429 = 200): Promise<Response> {
  const html = encodeInChunks(c.get('redact')(`<!DOCTYPE html>${await node.toString()}`));
  return chunkedResponse(html, status, { 'content-type': 'text/html; charset=UTF-8' });
}
