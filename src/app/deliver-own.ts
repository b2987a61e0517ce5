import { hostname } from 'node:os';
import type { StoredMessage } from '../domain/message.js';
import { PENDING_STATES } from '../domain/message.js';
import { DataDirLock, type DataDirHolder } from '../platform/data-dir-lock.js';
import type { AppContext } from './context.js';

/** What became of the messages a command enqueued, when it delivered them itself. */
export type OwnDelivery =
  | { by: 'service'; service: DataDirHolder }
  | { by: 'self'; sent: StoredMessage[]; pending: StoredMessage[]; failed: StoredMessage[]; heldUntil: number | undefined };

/**
 * `vigil run` from cron, with no service: without this its alerts would wait in the Outbox and
 * its storm window would never be flushed. When no live service owns the data directory (its
 * lock is free), deliver what this process enqueued — retries included — and flush a storm
 * window holding one of this process's runs at its end, all within `waitMs`; then say what is
 * left. With a service running, it was woken at enqueue (service-wake.ts) and delivers.
 * `activityIds`: the runs of this process, to find the windows that hold them.
 */
export async function deliverOwnMessages(app: AppContext, activityIds: number[], waitMs: number): Promise<OwnDelivery> {
  const owner = DataDirLock.holder(app.loaded.config.dataDir, { pid: process.pid, host: hostname(), since: Date.now() });
  if (owner.held) return { by: 'service', service: owner.by };
  const deadline = Date.now() + waitMs;
  let heldUntil: number | undefined;
  for (;;) {
    await app.notifications.storm.flushDue();
    if (app.enqueued.size) await app.dispatcher.runPass();
    const mine = await messagesOf(app);
    const pending = mine.filter((m) => PENDING_STATES.includes(m.state));
    heldUntil = await windowHolding(app, activityIds);
    const next = Math.min(heldUntil ?? Infinity, ...pending.map((m) => m.nextAttemptAt));
    if (next === Infinity || next > deadline) break;
    // In steps of at most a minute: a timer past 2^31 ms would fire at once.
    await sleep(Math.min(60_000, Math.max(0, next - Date.now()) + 50));
  }
  const mine = await messagesOf(app);
  return {
    by: 'self',
    sent: mine.filter((m) => m.state === 'sent' || m.state === 'queued-locally'),
    pending: mine.filter((m) => PENDING_STATES.includes(m.state)),
    failed: mine.filter((m) => m.state === 'failed' || m.state === 'expired'),
    heldUntil,
  };
}

async function messagesOf(app: AppContext): Promise<StoredMessage[]> {
  const found = await Promise.all([...app.enqueued].map((id) => app.store.outbox.get(id)));
  return found.filter((m): m is StoredMessage => m !== undefined);
}

/** When the unflushed storm window holding one of these runs ends; undefined when none does. */
async function windowHolding(app: AppContext, activityIds: number[]): Promise<number | undefined> {
  if (!activityIds.length || !app.notifications.storm.enabled) return undefined;
  const horizon = app.clock.now() + app.loaded.config.notification.stormWindow;
  const windows = await app.store.storm.ended(horizon);
  const holding = windows.filter((w) => w.held.some((f) => activityIds.includes(f.activityId)));
  return holding.length ? Math.min(...holding.map((w) => w.endsAt)) : undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
