import { Hono } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { clientAddress, cookieName, tooMany, type ConsoleEnv } from './auth.js';
import { pageContext, render, requireWriter, type ConsoleDeps } from './deps.js';
import type { LoginLimiter } from './login-limiter.js';
import { decoyHash, verifySecret } from './password-hash.js';
import type { SessionStore } from './sessions.js';
import { LoginPage } from './pages/login.js';

/** Log in with a user of console.users (rate-limited per address and per user), log out. */
export function loginRoutes(deps: ConsoleDeps, sessions: SessionStore, limiter: LoginLimiter): Hono<ConsoleEnv> {
  const routes = new Hono<ConsoleEnv>();
  routes.get('/login', (c) => (c.get('principal') ? c.redirect('/', 303) : render(c, <LoginPage page={pageContext(c, deps)} />)));

  routes.post('/login', async (c) => {
    // A login form posted from another site (login CSRF) would log the victim into our account.
    const origin = c.req.header('origin');
    if (origin && origin !== 'null' && new URL(origin).host !== c.req.header('host')) return c.json({ error: 'cross-site login refused', code: 'csrf' }, 403);
    const body = await c.req.parseBody();
    const user = typeof body.user === 'string' ? body.user.slice(0, 200) : '';
    const password = typeof body.password === 'string' ? body.password : '';
    const keys = [`ip:${clientAddress(c)}`, `user:${user}`];
    const wait = limiter.retryAfterMs(keys);
    if (wait > 0) {
      if (!(c.req.header('accept') ?? '').includes('text/html')) return tooMany(c, wait);
      c.header('Retry-After', String(Math.ceil(wait / 1000)));
      return render(c, <LoginPage page={pageContext(c, deps)} user={user} error={`Too many failed logins: try again in ${Math.ceil(wait / 60_000)} min.`} />, 429);
    }
    const users = deps.app().loaded.config.console?.users ?? {};
    const known = Object.hasOwn(users, user) ? users[user] : undefined;
    // An unknown name costs one scrypt like a known one: names cannot be found by timing.
    const ok = (await verifySecret(password, known?.passwordHash ?? (await decoyHash()))) && known !== undefined;
    if (!ok) {
      limiter.fail(keys);
      return render(c, <LoginPage page={pageContext(c, deps)} user={user} error="Wrong user or password." />, 401);
    }
    limiter.succeed(keys);
    const session = sessions.create(user);
    setCookie(c, cookieName(deps.tls), session.id, { httpOnly: true, sameSite: 'Strict', secure: deps.tls, path: '/' });
    return c.redirect('/', 303);
  });

  routes.post('/logout', requireWriterOrReadOnly(deps), (c) => {
    const principal = c.get('principal');
    if (principal?.kind === 'user') sessions.delete(principal.session.id);
    deleteCookie(c, cookieName(deps.tls), { path: '/', secure: deps.tls });
    return c.redirect('/login', 303);
  });
  return routes;
}

/** Logging out is allowed in a read-only console too, with the same CSRF check. */
function requireWriterOrReadOnly(deps: ConsoleDeps) {
  return requireWriter({ ...deps, readOnly: false });
}
