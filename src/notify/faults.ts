import type { VigilConfig } from '../config/schema/index.js';
import type { Clock } from '../domain/clock.js';
import type { ServiceFault, ServiceFaultEvent } from '../domain/events.js';
import type { Logger } from '../domain/logger.js';
import { PRIORITY, type MessageRequest } from '../domain/message.js';
import type { DeliveryOutcome } from '../domain/outcome.js';
import type { SystemLog } from '../domain/system-log.js';
import type { Outbox } from '../outbox/outbox.js';
import { composeMessage, composePager, formatTime } from './compose.js';
import { notificationHeaders } from './headers.js';
import { failureSignature } from './streak.js';
import type { TemplateVars } from './template.js';
import { withShippedFallback, type TemplateFiles } from './template-files.js';
import { channelRequests } from './channel-requests.js';
import { notifyTargets } from './targets.js';
import { faultChannelContent } from './channel-content.js';
import { formatDuration } from '../domain/units.js';

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
  'database-unreachable': { title: 'database unreachable', hint: 'Backups go on; their activity and alerts are kept in a local spool under dataDir and copied into the database when it returns (docs/fleet.md). Check that PostgreSQL is running and reachable from this host (database.url).' },
  'database-write-back-failed': { title: 'database refuses the spool', hint: "The database is back but refuses what this host kept during its outage, for the reason named above — not a lost connection, so retrying alone will not fix it. A privilege: give Vigil's role (database.url) its tables back, as the database's owner: GRANT ALL ON ALL TABLES IN SCHEMA public TO <role>; GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO <role>. Anything else (a constraint, a full disk there): see docs/fleet.md, \"When PostgreSQL is down\". Until then backups go on and are kept in the local spool; Vigil copies it in by itself once the database accepts it." },
  'notification-failed': { title: 'alert not queued', hint: 'An alert named above could not be queued, so this one was sent around the Outbox. Check `vigil config check` and the log of the service; `vigil activity` lists the run it was about.' },
  'backup-anomaly': { title: 'backup far smaller than usual', hint: 'Check that the source is mounted and readable by the account Vigil runs as (an unmounted disk "completes" empty); `vigil activity --set SET` shows the usual size.' },
  'service-failed': { title: 'backup service stopped', hint: 'No backups run and no alerts are sent until it runs again. `systemctl status vigil` and `journalctl -u vigil -n 50` say why; fix it, then `systemctl restart vigil`.' },
  'backup-missed': { title: 'backup missed on a host that is down', hint: 'The host named above is not running Vigil (`vigil hosts`): start it (`systemctl start vigil`), or `vigil hosts forget NAME` if it left the fleet. Its backups run again when it is back.' },
  'vault-check-failed': { title: 'vault check failed', hint: 'Read the check with `vigil activity show ID`; for a builtin vault run `vigil verify SET --read-data`, for restic `restic check`. Restores from this vault may fail until it is repaired.' },
};

/**
 * Faults of the database itself, alerted directly and to the system log, never through the
 * Outbox. A `disk-full` of a set (its vault's disk) is not one: that alert queues and retries.
 */
function isDatabaseFault(event: Pick<ServiceFaultEvent, 'fault' | 'set'>): boolean {
  return event.fault === 'database-unwritable' || event.fault === 'database-unreachable' || event.fault === 'database-write-back-failed' || (event.fault === 'disk-full' && event.set === null);
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

// Faults whose alert skips the Outbox: queueing an alert is what failed.
const AROUND_THE_OUTBOX = new Set<ServiceFault>(['notification-failed']);

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

    let requests: MessageRequest[];
    try {
      requests = await this.compose(event);
    } catch (error) {
      // Nothing to send: the system log is the last channel left.
      await this.deps.systemLog.critical(`service fault ${event.fault}: ${event.detail} (could not compose the alert: ${(error as Error).message})`);
      throw error;
    }
    if (requests.length === 0) {
      log.error(`service fault (${event.fault}) not sent: nobody to notify (notification.admins/pager name no channel, and no address reachable through a Mail Profile): ${event.detail}`);
      return 'nobody';
    }
    // Around the Outbox when queueing is what failed, or when its database is: a write that
    // happens to fit would leave the alert queued behind a dispatcher that cannot record.
    const around = AROUND_THE_OUTBOX.has(event.fault) || isDatabaseFault(event);
    let why = isDatabaseFault(event) ? 'could not queue the alert: not tried: the Outbox is in the database that failed' : 'an alert could not be queued, so this one goes around the Outbox';
    if (!around || !this.deps.direct) {
      try {
        await this.deps.outbox.enqueueMany(requests);
        return 'sent';
      } catch (error) {
        // The Outbox shares the database: when that is the fault, go around it.
        why = `could not queue the alert: ${(error as Error).message}`;
        if (!this.deps.direct) {
          await this.deps.systemLog.critical(`service fault ${event.fault}: ${event.detail} (${why})`);
          throw error;
        }
      }
    }
    await this.deps.systemLog.critical(`service fault ${event.fault}: ${event.detail} (${why})`);
    for (const request of requests) {
      // One request failing (say, the pager's gateway) must not keep the other from going out.
      const outcome = await this.deps.direct!.send(request).catch((error: unknown) => ({ kind: 'permanent' as const, detail: (error as Error).message }));
      if (outcome.kind !== 'accepted') log.error(`fault alert could not be sent directly either: ${outcome.detail}`, { fault: event.fault });
    }
    return 'direct';
  }

  private async compose(event: ServiceFaultEvent): Promise<MessageRequest[]> {
    const { config, log } = this.deps;
    // Mail through the Mail Profile when there is one, channels either way (push only works).
    const targets = notifyTargets(config, { mail: config.notification.admins, pager: config.notification.pager });
    const { mail, pager, channels } = targets;
    const vars = faultVars(this.deps.host, event, config.notification.remindEvery, config.admin.timezone);
    const base = { severity: 'critical' as const, priority: PRIORITY.critical };
    const mailBase = { ...base, profile: targets.mailVia?.profile ?? '', from: targets.mailVia?.from ?? '', headers: notificationHeaders(this.deps.host, { 'X-Vigil-Fault': event.fault }, true) };
    const key = `fault:${event.fault}:${event.at}`;
    const wantsMail = mail.length > 0 || channels.length > 0;
    const wantsLine = pager.length > 0 || channels.length > 0;
    const composed = wantsMail ? await withShippedFallback('service-fault', log, async (shippedOnly) => composeMessage(await this.deps.templates.triplet('service-fault', shippedOnly), vars, undefined)) : undefined;
    const line = wantsLine ? await withShippedFallback('pager-fault', log, async (shippedOnly) => composePager(await this.deps.templates.pager('pager-fault', shippedOnly), vars)) : '';
    const requests: MessageRequest[] = [];
    if (mail.length && composed) requests.push({ ...mailBase, kind: `service.fault.${event.fault}`, dedupeKey: key, to: mail, ...composed });
    if (pager.length) requests.push({ ...mailBase, kind: `pager.service.fault.${event.fault}`, dedupeKey: `${key}:pager`, to: pager, subject: line, text: line });
    if (channels.length && composed) {
      requests.push(...channelRequests(config, channels, faultChannelContent(this.deps.host, event, composed.subject, line), { ...base, kind: `service.fault.${event.fault}`, dedupeKey: key }));
    }
    return requests;
  }
}

/** Variables of the service-fault templates (documented in docs/notifications.md). */
export function faultVars(host: string, event: Pick<ServiceFaultEvent, 'fault' | 'detail' | 'set' | 'at'>, remindEveryMs: number, timezone?: string): TemplateVars {
  return {
    host,
    fault: event.fault,
    faultTitle: FAULT_TEXT[event.fault].title,
    hint: FAULT_TEXT[event.fault].hint,
    detail: event.detail,
    set: event.set ?? '',
    when: formatTime(event.at, timezone),
    remindEvery: formatDuration(remindEveryMs, 'summary'),
  };
}
