import type { ChannelContent, ChannelEvent } from '../domain/channel.js';
import type { BackupEvent, ServiceFaultEvent } from '../domain/events.js';
import type { Escalation } from '../storage/ports/escalation-store.js';
import type { StormWindow } from '../storage/ports/storm-store.js';
import type { Severity } from '../domain/message.js';
import type { NotifyAction } from './streak.js';
import { setIncidentKey } from './channel-requests.js';

/** What a channel is told about a backup run: the mail's subject as title, the pager line as text. */
export function backupChannelContent(
  event: BackupEvent,
  action: Exclude<NotifyAction, 'none'>,
  o: { title: string; text: string; severity: Severity; host: string; streak: number; at: number },
): ChannelContent {
  const recovery = action === 'recovery';
  const channelEvent: ChannelEvent = action;
  return {
    event: channelEvent,
    title: o.title,
    text: o.text,
    severity: o.severity,
    host: o.host,
    kind: recovery ? 'backup.recovered' : `backup.${event.status}`,
    at: event.endedAt || o.at,
    set: event.set,
    status: event.status,
    activityId: event.activityId,
    ...(event.firstError && !recovery ? { firstError: event.firstError } : {}),
    counters: { files: event.counters.files, errors: event.counters.errors, warnings: event.counters.warnings, bytesNew: event.counters.bytesNew },
    streak: o.streak,
    incidentKey: setIncidentKey(o.host, event.set),
  };
}

/**
 * A storm group as one on-call incident: it carries the first set's key, so PagerDuty adds the
 * grouped failures to the incident the first alert opened (instead of paging once per set), and
 * that set's recovery resolves it.
 */
export function stormChannelContent(host: string, window: Pick<StormWindow, 'first' | 'held'>, title: string, text: string): ChannelContent {
  const all = [window.first, ...window.held];
  return {
    event: 'storm',
    title,
    text,
    severity: 'critical',
    host,
    kind: 'backup.storm',
    at: Math.max(...all.map((f) => f.endedAt)),
    set: window.first.set,
    sets: [...new Set(all.map((f) => f.set))],
    ...(window.first.firstError ? { firstError: window.first.firstError } : {}),
    incidentKey: setIncidentKey(host, window.first.set),
  };
}

/** A service fault: one incident per kind of fault on this host. */
export function faultChannelContent(host: string, event: Pick<ServiceFaultEvent, 'fault' | 'detail' | 'set' | 'at'>, title: string, text: string): ChannelContent {
  return {
    event: 'fault',
    title,
    text,
    severity: 'critical',
    host,
    kind: `service.fault.${event.fault}`,
    at: event.at,
    ...(event.set ? { set: event.set } : {}),
    firstError: event.detail,
    incidentKey: `vigil:${host}:fault:${event.fault}`,
  };
}

/** Escalation ("could not deliver …") as a channel message: one incident per host at on-call services. */
export function escalationChannelContent(host: string, recorded: readonly Pick<Escalation, 'subject' | 'reason' | 'profile'>[], line: string, at: number): ChannelContent {
  const first = recorded[0]!;
  return {
    event: 'escalation',
    title: `Vigil on ${host} could not deliver: ${first.subject}`,
    text: line,
    severity: 'critical',
    host,
    kind: 'escalation.pager',
    at,
    firstError: `${first.profile}: ${first.reason}`,
    incidentKey: `vigil:${host}:delivery`,
  };
}
