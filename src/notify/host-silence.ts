import type { VigilConfig } from '../config/schema/index.js';
import type { ChannelContent } from '../domain/channel.js';
import type { Logger } from '../domain/logger.js';
import { PRIORITY, type MessageRequest } from '../domain/message.js';
import { formatDuration } from '../domain/units.js';
import type { Outbox } from '../outbox/outbox.js';
import type { HostRecord } from '../storage/ports/host-store.js';
import type { OutboxStore } from '../storage/ports/outbox-store.js';
import { channelRequests } from './channel-requests.js';
import { composeMessage, composePager, formatTime } from './compose.js';
import { notificationHeaders } from './headers.js';
import { notifyTargets } from './targets.js';
import type { TemplateVars } from './template.js';
import { withShippedFallback, type TemplateFiles } from './template-files.js';

export interface HostSilenceNotifierDeps {
  config: VigilConfig;
  outbox: Pick<Outbox, 'enqueueMany'>;
  /** To tell which of an alert's messages a crash kept from being queued. */
  messages: Pick<OutboxStore, 'list'>;
  templates: TemplateFiles;
  log: Logger;
  /** The host that reports (the leader). */
  reporter: string;
}

/** A silence as the leader saw it: the host, since when, and (for the recovery) when it was back. */
export interface HostSilence {
  host: Pick<HostRecord, 'name' | 'version' | 'sets' | 'stoppedAt'>;
  since: number;
  now: number;
}

/**
 * The fleet's `host-silent` alert and its recovery notice: critical, to `notification.admins`
 * (full message), `notification.pager` (one line) and the channels either names — the same
 * targets as a service fault. Each message's dedupe key names the host and the silence
 * (`host-silent:<host>:<since>`), so a leader that took over after a crash can queue only the
 * parts its predecessor did not (`onlyMissing`).
 */
export class HostSilenceNotifier {
  constructor(private readonly deps: HostSilenceNotifierDeps) {}

  /** Queues the alert; resolves how many messages were queued (0: nobody to tell, or all were already). */
  async silent(s: HostSilence, options: { onlyMissing?: boolean } = {}): Promise<number> {
    return this.send('silent', s, options.onlyMissing ?? false);
  }

  /** Queues the recovery notice of the silence that began at `s.since`. */
  async recovered(s: HostSilence): Promise<number> {
    return this.send('recovered', s, false);
  }

  private async send(what: 'silent' | 'recovered', s: HostSilence, onlyMissing: boolean): Promise<number> {
    const requests = await this.compose(what, s);
    if (requests.length === 0) {
      this.deps.log.error(`host ${s.host.name} ${what === 'silent' ? 'is silent' : 'is back'}, and nobody can be told: notification.admins/pager name no channel and no address reachable through a Mail Profile`);
      return 0;
    }
    const wanted = onlyMissing ? await this.notQueued(requests) : requests;
    if (wanted.length) await this.deps.outbox.enqueueMany(wanted);
    return wanted.length;
  }

  private async notQueued(requests: MessageRequest[]): Promise<MessageRequest[]> {
    const missing: MessageRequest[] = [];
    for (const r of requests) {
      if ((await this.deps.messages.list({ dedupeKey: r.dedupeKey!, limit: 1 })).length === 0) missing.push(r);
    }
    return missing;
  }

  private async compose(what: 'silent' | 'recovered', s: HostSilence): Promise<MessageRequest[]> {
    const { config, log, templates } = this.deps;
    const { mail, pager, channels, mailVia } = notifyTargets(config, { mail: config.notification.admins, pager: config.notification.pager });
    const vars = hostSilenceVars(s, this.deps.reporter, config.fleet.silentAfter, config.admin.timezone);
    const name = what === 'silent' ? 'host-silent' : 'host-recovered';
    const pagerName = what === 'silent' ? 'pager-host-silent' : 'pager-host-recovered';
    const kind = what === 'silent' ? 'host.silent' : 'host.recovered';
    const key = `${name}:${s.host.name}:${s.since}`;
    const base = { severity: 'critical' as const, priority: PRIORITY.critical };
    const composed = mail.length || channels.length ? await withShippedFallback(name, log, async (shippedOnly) => composeMessage(await templates.triplet(name, shippedOnly), vars, undefined)) : undefined;
    const line = pager.length || channels.length ? await withShippedFallback(pagerName, log, async (shippedOnly) => composePager(await templates.pager(pagerName, shippedOnly), vars)) : '';
    const mailBase = { ...base, profile: mailVia?.profile ?? '', from: mailVia?.from ?? '', headers: notificationHeaders(s.host.name, { 'X-Vigil-Host': s.host.name }, true) };
    const requests: MessageRequest[] = [];
    if (mail.length && composed) requests.push({ ...mailBase, kind, dedupeKey: key, to: mail, ...composed });
    if (pager.length) requests.push({ ...mailBase, kind: `pager.${kind}`, dedupeKey: `${key}:pager`, to: pager, subject: line, text: line });
    if (channels.length && composed) {
      const content: ChannelContent = {
        event: what === 'silent' ? 'fault' : 'recovery',
        title: composed.subject,
        text: line,
        severity: 'critical',
        host: s.host.name,
        kind,
        at: s.now,
        // One incident per host at on-call services: the recovery resolves the alert's.
        incidentKey: `vigil:${s.host.name}:host-silent`,
      };
      requests.push(...channelRequests(config, channels, content, { ...base, kind, dedupeKey: key }));
    }
    return requests;
  }
}

/** Variables of the host-silent and host-recovered templates (documented in docs/notifications.md). */
export function hostSilenceVars(s: HostSilence, reporter: string, silentAfterMs: number, timezone?: string): TemplateVars {
  const scheduled = s.host.sets.filter((set) => set.schedule !== null).map((set) => `${set.name} (${set.schedule})`);
  return {
    host: s.host.name,
    since: formatTime(s.since, timezone),
    silentFor: formatDuration(Math.max(0, s.now - s.since), 'summary'),
    silentAfter: formatDuration(silentAfterMs, 'summary'),
    back: formatTime(s.now, timezone),
    stopped: s.host.stoppedAt !== null ? formatTime(s.host.stoppedAt, timezone) : '',
    sets: scheduled.length ? scheduled.join(', ') : 'none',
    version: s.host.version,
    reportedBy: reporter,
  };
}
