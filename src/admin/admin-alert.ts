import type { VigilConfig } from '../config/schema/index.js';
import { activeProfile } from '../config/semantic-checks.js';
import type { VigilEvent } from '../domain/events.js';
import type { Logger } from '../domain/logger.js';
import { PRIORITY } from '../domain/message.js';
import { resolveRecipients } from '../domain/recipients.js';
import type { Outbox } from '../outbox/outbox.js';

type AdminFailed = Extract<VigilEvent, { kind: 'admin.failed' }>;

/**
 * A failing Admin process is a critical event: its summary may not have gone out, and a missing
 * summary is exactly what nobody notices. Logged at error level (the journal) and mailed to the
 * admins at critical priority — best effort: when the Outbox itself is what failed, the log is
 * what remains.
 */
export async function alertAdminFailure(event: AdminFailed, deps: { config: VigilConfig; outbox: Pick<Outbox, 'enqueue'>; log: Logger; host: string }): Promise<void> {
  const { config, log } = deps;
  log.error(`CRITICAL: the ${event.process} Admin process failed (${event.periodKey}${event.activityId !== null ? `, activity ${event.activityId}` : ''}): ${event.error}`);
  const active = activeProfile(config);
  if (!active) return;
  const { name: profileName, profile } = active;
  const { addresses } = resolveRecipients([...(config.admin.to ?? []), ...config.notification.admins], profile.addressBook ?? {});
  if (addresses.length === 0) return;
  const pointer = event.activityId !== null ? `\n\nDetails: vigil activity show ${event.activityId}\n` : '\n';
  try {
    await deps.outbox.enqueue({
      kind: 'admin.failed',
      severity: 'critical',
      priority: PRIORITY.critical,
      profile: profileName,
      dedupeKey: `admin-failed:${event.periodKey}`,
      from: profile.from,
      to: addresses,
      subject: `Vigil on ${deps.host.replace(/[\u0000-\u001f\u007f]+/g, ' ')}: the ${event.process} Admin process failed`,
      text: `The ${event.process} Admin process for ${event.periodKey} failed on ${deps.host}; its summary may not have been sent.\n\nError: ${event.error}${pointer}`,
      headers: { Importance: 'high' },
    });
  } catch (error) {
    log.error(`could not enqueue the alert about the failed ${event.process} Admin process: ${(error as Error).message}`);
  }
}
