import type { VigilConfig } from '../config/schema/index.js';
import { activeProfile } from '../config/semantic-checks.js';
import type { Clock } from '../domain/clock.js';
import type { ServiceFault, ServiceFaultEvent } from '../domain/events.js';
import type { Logger } from '../domain/logger.js';
import { PRIORITY, type MessageRequest } from '../domain/message.js';
import type { DeliveryOutcome } from '../domain/outcome.js';
import { resolveRecipients } from '../domain/recipients.js';
import type { SystemLog } from '../domain/system-log.js';
import type { Outbox } from '../outbox/outbox.js';
import { composeMessage, composePager, formatDuration, formatTime } from './compose.js';
import { notificationHeaders } from './headers.js';
import { failureSignature } from './streak.js';
import type { TemplateVars } from './template.js';
import type { TemplateFiles } from './template-files.js';

/** Sends one message now, around the Outbox — for when the Outbox's database is what failed. */
export interface DirectSender {
  send(request: MessageRequest): Promise<DeliveryOutcome>;
}

export const FAULT_TEXT: Record<ServiceFault, { title: string; hint: string }> = {
  'vault-unreachable': { title: 'backup vault unreachable', hint: 'Check that the vault or repository is mounted/reachable and that the account Vigil runs as may use it.' },
  'disk-full': { title: 'disk full', hint: 'Free space on the disk named above (`vigil prune SET` reclaims vault space no snapshot needs).' },
  'config-error': { title: 'configuration error', hint: 'Run `vigil config check` and fix the problems it lists.' },
  'engine-missing': { title: 'backup engine missing', hint: 'Install the program named above (or fix its path in vigil.yaml), then `vigil config check`.' },
  'database-unwritable': { title: 'database unwritable', hint: "Check the disk and permissions of dataDir; Vigil cannot record runs or queue mail until it is writable." },
  'backup-anomaly': { title: 'backup far smaller than usual', hint: 'Check that the source is mounted and readable by the account Vigil runs as (an unmounted disk "completes" empty); `vigil activity --set SET` shows the usual size.' },
  'vault-check-failed': { title: 'vault check failed', hint: 'Read the check with `vigil activity show ID`; for a builtin vault run `vigil verify SET --read-data`, for restic `restic check`. Restores from this vault may fail until it is repaired.' },
};

/**
 * Faults of the database itself, alerted directly and to the system log, never through the
 * Outbox. A `disk-full` of a set (its vault's disk) is not one: that alert queues and retries.
 */
function isDatabaseFault(event: Pick<ServiceFaultEvent, 'fault' | 'set'>): boolean {
  return event.fault === 'database-unwritable' || (event.fault === 'disk-full' && event.set === null);
}

export interface FaultNotifierDeps {
  config: VigilConfig;
  outbox: Pick<Outbox, 'enqueueMany'>;
  direct?: DirectSender;
  systemLog: SystemLog;
  templates: TemplateFiles;
  clock: Clock;
  log: Logger;
  host: string;
}

/**
 * Service faults (issue 6 §2) → a critical message to notification.admins and the pager. The same
 * fault with the same detail (numbers ignored) alerts once per `notification.remindEvery`; this
 * memory is kept in the process on purpose — the fault may be that the database is unwritable.
 * When the Outbox cannot take the message, it is written to the system log and sent directly.
 */
export class FaultNotifier {
  private readonly alerted = new Map<string, number>();

  constructor(private readonly deps: FaultNotifierDeps) {}

  async handle(event: ServiceFaultEvent): Promise<'sent' | 'direct' | 'throttled' | 'nobody'> {
    const { config, log } = this.deps;
    const key = `${event.fault}|${failureSignature('failed', event.detail)}`;
    const last = this.alerted.get(key);
    if (last !== undefined && event.at >= last && event.at - last < config.notification.remindEvery) return 'throttled';
    this.alerted.set(key, event.at);

    const requests = await this.compose(event);
    if (requests.length === 0) {
      log.error(`service fault (${event.fault}) not mailed: no mail profile or recipient: ${event.detail}`);
      return 'nobody';
    }
    try {
      // The Outbox lives in the database: when that is the fault, do not even try it — a write
      // that happens to fit would leave the alert queued behind a dispatcher that cannot record.
      if (this.deps.direct && isDatabaseFault(event)) throw new Error('not tried: the Outbox is in the database that failed');
      await this.deps.outbox.enqueueMany(requests);
      return 'sent';
    } catch (error) {
      // The Outbox shares the database: when that is the fault, go around it.
      await this.deps.systemLog.critical(`service fault ${event.fault}: ${event.detail} (could not queue the alert: ${(error as Error).message})`);
      if (!this.deps.direct) throw error;
      for (const request of requests) {
        const outcome = await this.deps.direct.send(request);
        if (outcome.kind !== 'accepted') log.error(`fault alert could not be sent directly either: ${outcome.detail}`, { fault: event.fault });
      }
      return 'direct';
    }
  }

  private async compose(event: ServiceFaultEvent): Promise<MessageRequest[]> {
    const { config } = this.deps;
    const active = activeProfile(config);
    if (!active) return [];
    const { name: profileName, profile } = active;
    const book = profile.addressBook ?? {};
    const mail = resolveRecipients(config.notification.admins, book);
    const pager = resolveRecipients(config.notification.pager, book);
    const vars = faultVars(this.deps.host, event, config.notification.remindEvery);
    const base = { profile: profileName, from: profile.from, severity: 'critical' as const, priority: PRIORITY.critical, headers: notificationHeaders(this.deps.host, { 'X-Vigil-Fault': event.fault }, true) };
    const key = `fault:${event.fault}:${event.at}`;
    const requests: MessageRequest[] = [];
    if (mail.addresses.length) {
      requests.push({ ...base, kind: `service.fault.${event.fault}`, dedupeKey: key, to: mail.addresses, ...composeMessage(await this.deps.templates.triplet('service-fault'), vars, undefined) });
    }
    if (pager.addresses.length) {
      const line = composePager(await this.deps.templates.pager('pager-fault'), vars);
      requests.push({ ...base, kind: `pager.service.fault.${event.fault}`, dedupeKey: `${key}:pager`, to: pager.addresses, subject: line, text: line });
    }
    return requests;
  }
}

/** Variables of the service-fault templates (documented in docs/notifications.md). */
export function faultVars(host: string, event: Pick<ServiceFaultEvent, 'fault' | 'detail' | 'set' | 'at'>, remindEveryMs: number): TemplateVars {
  return {
    host,
    fault: event.fault,
    faultTitle: FAULT_TEXT[event.fault].title,
    hint: FAULT_TEXT[event.fault].hint,
    detail: event.detail,
    set: event.set ?? '',
    when: formatTime(event.at),
    remindEvery: formatDuration(remindEveryMs),
  };
}
