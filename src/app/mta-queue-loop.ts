import type { AppContext } from './context.js';
import { buildMtaQueueWatch } from './mail-client-wiring.js';
import type { MtaQueueWatch, QueueWatchReport } from '../transports/mailclient/mta-queue-watch.js';

export interface MtaQueueLoop {
  /** The pass started with the loop (so a message stuck before a restart is known at once). */
  firstPass: Promise<void>;
  stop(): void;
}

/**
 * Messages handed to a spooling mail program (usingSpooler: true) are watched in its queue every
 * `mail.queueWatchEvery`, starting at once. A message still there after mail.stuckAfter is
 * logged once as stuck; after each pass the escalator looks again, so a critical message waiting
 * in the queue past notification.escalateAfter is escalated like one waiting in the Outbox, and
 * one the MTA has since sent is not. Only runs when a spooler can be in use.
 */
export function watchMtaQueues(app: AppContext, watch?: MtaQueueWatch): MtaQueueLoop {
  const { config } = app.loaded;
  const clientProfiles = Object.values(config.profiles).some((p) => p.method === 'client');
  if (!clientProfiles || !config.mail.usingSpooler) return { firstPass: Promise.resolve(), stop() {} };
  // `watch` is given by tests whose Postfix instance has its own MAIL_CONFIG.
  watch ??= buildMtaQueueWatch(config, { clock: app.clock, handOffs: app.store.handOffs });
  const controller = new AbortController();
  let running: Promise<void> | undefined;
  const pass = (): Promise<void> => {
    // A pass that takes longer than the interval (a slow mailq) is not overlapped.
    running ??= watch
      .check(controller.signal)
      .then((report) => logReport(app, report))
      .then(() => app.notifications.escalator.checkOverdue())
      .then(
        () => undefined,
        (error: unknown) => app.log.error('MTA queue watch failed', { error: (error as Error).message }),
      )
      .finally(() => (running = undefined));
    return running;
  };
  const firstPass = pass();
  const timer = setInterval(() => void pass(), config.mail.queueWatchEvery);
  timer.unref();
  return {
    firstPass,
    stop() {
      clearInterval(timer);
      controller.abort();
    },
  };
}

function logReport(app: AppContext, report: QueueWatchReport): void {
  for (const stuck of report.newlyStuck) app.log.warn(`message ${stuck.outboxId} is stuck in the ${stuck.client} queue: ${stuck.reason}`);
  for (const queue of report.unreadable) app.log.warn(`cannot read the MTA queue: ${queue}`);
}
