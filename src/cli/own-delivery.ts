import { formatDuration } from '../config/duration.js';
import type { OwnDelivery } from '../app/deliver-own.js';
import { isoTime } from './output.js';

/**
 * The lines `vigil run` ends with about its alerts: who delivers them, what went out, and what
 * is still queued and who will send it — silence must not be mistaken for "sent".
 */
export function describeOwnDelivery(delivery: OwnDelivery, enqueued: number, waitMs: number): string[] {
  if (delivery.by === 'service') {
    if (!enqueued) return [];
    return [`alerts: ${enqueued} message(s) queued; the service (pid ${delivery.service.pid}) delivers them`];
  }
  const lines: string[] = [];
  const { sent, pending, failed, heldUntil } = delivery;
  if (sent.length) lines.push(`alerts: ${sent.length} delivered (${sent.map((m) => m.subject).join('; ')})`);
  for (const m of failed) lines.push(`alerts: NOT delivered, ${m.state}: ${m.subject}: ${m.lastError ?? ''}`.trimEnd());
  if (pending.length) {
    lines.push(`alerts: ${pending.length} still queued after waiting ${formatDuration(waitMs)} (no vigil service runs):`);
    for (const m of pending) lines.push(`  ${m.id} ${m.state}, next attempt ${isoTime(m.nextAttemptAt)}${m.lastError ? `: ${m.lastError}` : ''}`);
    lines.push('  `vigil outbox deliver` (from cron) or `vigil start` sends them');
  }
  if (heldUntil !== undefined) {
    lines.push(`alerts: this failure is held in a storm window until ${isoTime(heldUntil)}, after the wait; \`vigil outbox deliver\` or \`vigil start\` sends the grouped message then`);
  }
  return lines;
}
