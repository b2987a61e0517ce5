import type { VigilConfig } from '../config/schema/index.js';
import { channelProfile, type ChannelContent } from '../domain/channel.js';
import type { MessageRequest, Priority, Severity } from '../domain/message.js';

/** The entries of a recipient list that name channels, in order, each once. */
export function channelsNamed(config: Pick<VigilConfig, 'channels'>, entries: readonly string[]): string[] {
  return [...new Set(entries.filter((e) => !e.includes('@') && config.channels[e] !== undefined))];
}

/** Recipient entries that are neither addresses, groups nor channels (to warn about). */
export function notChannels(config: Pick<VigilConfig, 'channels'>, unknown: readonly string[]): string[] {
  return unknown.filter((e) => config.channels[e] === undefined);
}

/** `vigil:<host>:<set>`: one on-call incident per set's failing streak. */
export function setIncidentKey(host: string, set: string): string {
  return `vigil:${host}:${set}`;
}

/**
 * Whether a channel of this type wants this event. On-call services open incidents: PagerDuty
 * takes alerts (trigger), their recovery (resolve), faults, storms, escalations and tests — never
 * a reminder (the incident is still open; re-triggering would page again) nor a status message
 * (a warning with no recovery to resolve it).
 */
export function channelWants(type: string, event: ChannelContent['event']): boolean {
  if (type === 'pagerduty') return event !== 'reminder' && event !== 'status';
  return true;
}

/**
 * One Outbox request per channel, each with its own dedupe key (`<key>:channel:<name>`) so a
 * crash between enqueue and commit is recognised per channel, like the mail and pager forms.
 */
export function channelRequests(
  config: Pick<VigilConfig, 'channels'>,
  names: readonly string[],
  content: ChannelContent,
  base: { kind: string; severity: Severity; priority: Priority; dedupeKey: string },
): MessageRequest[] {
  return names
    .filter((name) => {
      const channel = config.channels[name];
      return channel !== undefined && channelWants(channel.type, content.event);
    })
    .map((name) => ({
      kind: base.kind,
      severity: base.severity,
      priority: base.priority,
      profile: channelProfile(name),
      dedupeKey: `${base.dedupeKey}:channel:${name}`,
      from: 'vigil',
      to: [name],
      subject: content.title,
      text: content.text,
      channel: { name, content },
    }));
}
