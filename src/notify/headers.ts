/**
 * Headers every notification carries, on top of what src/outbox/render.ts adds to all of Vigil's
 * mail (Auto-Submitted, X-Auto-Response-Suppress, X-Vigil-Kind):
 * - `List-Id` lets an administrator filter Vigil's notifications in one rule;
 * - `Precedence: bulk` is the older convention the same filters and vacation responders honour
 *   (RFC 3834 §3.1.8 names it as what responders look at besides Auto-Submitted).
 */
export function listIdHost(host: string): string {
  return host.toLowerCase().replace(/[^a-z0-9.-]/g, '-');
}

export function notificationHeaders(host: string, extra: Record<string, string> = {}, critical = false): Record<string, string> {
  return {
    'List-Id': `Vigil backup notifications <backup.${listIdHost(host)}>`,
    Precedence: 'bulk',
    ...(critical ? { Importance: 'high' } : {}),
    ...extra,
  };
}
