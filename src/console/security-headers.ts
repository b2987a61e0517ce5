import type { MiddlewareHandler } from 'hono';

/**
 * Headers on every response. The pages carry no script at all (forms and links do everything),
 * so the policy can forbid scripts outright; styles come only from /assets.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'none'",
  "style-src 'self'",
  "img-src 'self' data:",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/**
 * A rendered message's HTML part, opened from a preview: its own inline styles apply, and the
 * sandbox takes scripts, forms, plugins and the console's origin away from it.
 */
export const SANDBOXED_MESSAGE_POLICY = ["default-src 'none'", "style-src 'unsafe-inline'", 'img-src data:', "frame-ancestors 'none'", 'sandbox'].join('; ');

export function securityHeaders(tls: boolean): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const h = c.res.headers;
    // Only the sandboxed message policy (stricter for scripts and origin) may replace the default.
    if (h.get('Content-Security-Policy') !== SANDBOXED_MESSAGE_POLICY) h.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    h.set('X-Content-Type-Options', 'nosniff');
    h.set('X-Frame-Options', 'DENY');
    h.set('Referrer-Policy', 'no-referrer');
    h.set('Cross-Origin-Opener-Policy', 'same-origin');
    h.set('Cross-Origin-Resource-Policy', 'same-origin');
    // Pages show live state and a CSRF token: never from a cache.
    if (!h.has('Cache-Control')) h.set('Cache-Control', 'no-store');
    if (tls) h.set('Strict-Transport-Security', 'max-age=31536000');
  };
}
