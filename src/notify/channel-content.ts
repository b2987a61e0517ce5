import type { ChannelContent, ChannelEvent } from '../domain/channel.js';
import type { BackupEvent } from '../domain/events.js';
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
