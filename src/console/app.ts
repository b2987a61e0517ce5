import { Hono, type MiddlewareHandler } from 'hono';
import { authenticate, TokenVerifier, type ConsoleEnv } from './auth.js';
import { requireReader, type ConsoleDeps } from './deps.js';
import { LoginLimiter } from './login-limiter.js';
import { ConsoleMetrics } from './metrics.js';
import { SessionStore } from './sessions.js';
import { securityHeaders } from './security-headers.js';
import { apiRoutes } from './api/routes.js';
import { pageRoutes } from './page-routes.js';
import { loginRoutes } from './login-routes.js';
import { CONSOLE_CSS } from './pages/style.js';
import { chunkedResponse, encodeInChunks } from './chunked-body.js';

const DEFAULT_SESSION_MINUTES = 480;

/**
 * The console as a Hono app (hono: small, typed, Web-standard Request/Response, no build step,
 * and hono/jsx renders server-side with escaping by default). Served by server.ts.
 */
export function createConsoleApp(deps: ConsoleDeps): Hono<ConsoleEnv> {
  const config = () => deps.app().loaded.config.console;
  const sessions = new SessionStore(deps.clock, (config()?.sessionMinutes ?? DEFAULT_SESSION_MINUTES) * 60_000);
  const limiter = new LoginLimiter(deps.clock);
  const metrics = new ConsoleMetrics();
  const app = new Hono<ConsoleEnv>();

  app.use('*', securityHeaders(deps.tls));
  app.use('*', redactBodies(deps));
  app.get('/assets/console.css', (c) => c.body(CONSOLE_CSS, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=3600' }));
  app.use('*', authenticate({ sessions, tokens: new TokenVerifier(() => config()?.tokens ?? {}), limiter, tls: deps.tls }));
  app.get('/metrics', requireReader, async (c) => {
    // Redacted by ConsoleMetrics as it builds the body (with the same app's redactor).
    c.get('redactedAtSource')();
    return chunkedResponse(await metrics.scrape(deps.app()), 200, { 'content-type': metrics.registry.contentType });
  });
  app.route('/api/v1', apiRoutes(deps));
  app.route('/', loginRoutes(deps, sessions, limiter));
  app.route('/', pageRoutes(deps));
  app.notFound((c) => c.json({ error: 'not found', code: 'not-found' }, 404));
  app.onError((error, c) => {
    // Never a stack trace to the browser: the message goes to the service's log (redacted there).
    deps.app().log.error(`console: ${c.req.method} ${c.req.path}: ${error instanceof Error ? error.message : String(error)}`);
    return c.json({ error: 'internal error; the service log has the details', code: 'internal' }, 500);
  });
  return app;
}

/**
 * Defence in depth: every page and API body passes through the app's Redactor, so a credential
 * that reached a stored row (a transcript, an error text) is shown as *** even if a view forgot.
 * Pages pass their text through `c.get('redact')` before making the response, /metrics redacts
 * its parts as it builds them (`c.get('redactedAtSource')`);
 * every other body is read back from the response and redacted here. Reading it back costs a
 * UTF-8 decode and encode of the whole body (~14 ms of CPU for /metrics' 600 KB of 1,000 sets),
 * which is why the large ones do it at the source.
 */
function redactBodies(deps: ConsoleDeps): MiddlewareHandler<ConsoleEnv> {
  return async (c, next) => {
    let redactedAtSource = false;
    c.set('redact', (body) => {
      redactedAtSource = true;
      return deps.app().redactor.redact(body);
    });
    c.set('redactedAtSource', () => {
      redactedAtSource = true;
    });
    await next();
    if (redactedAtSource) return;
    const type = c.res.headers.get('content-type') ?? '';
    if (!/^(text\/html|application\/json|text\/plain)/.test(type)) return;
    const text = await c.res.text();
    const redacted = deps.app().redactor.redact(text);
    // Hono's c.res setter copies the old response's headers (Set-Cookie appended): give the new one the rest.
    const headers = new Headers(c.res.headers);
    headers.delete('set-cookie');
    headers.delete('content-length');
    // In small chunks (chunked-body.ts): /api/v1/sets of 1,000 sets is ~850 KB.
    c.res = chunkedResponse(encodeInChunks(redacted), c.res.status, Object.fromEntries(headers));
  };
}
