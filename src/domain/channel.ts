import type { Severity } from './severity.js';

/**
 * Channels: delivery targets that are not mailboxes (docs/channels.md). A channel's messages go
 * through the same Outbox as mail; they are stored under the pseudo-profile `channel:<name>`, so
 * leases, attempts, backoff, expiry, pausing and escalation work for them unchanged.
 */
export const CHANNEL_TYPES = ['ntfy', 'pagerduty', 'pushover', 'telegram', 'slack', 'teams', 'discord', 'mattermost', 'googlechat', 'gotify', 'webhook'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

// ':' cannot appear in a profile name (its schema forbids it), so the two never collide.
const PREFIX = 'channel:';

export function channelProfile(channel: string): string {
  return PREFIX + channel;
}

/** The channel a stored message's profile names, or undefined for a Mail Profile. */
export function channelOfProfile(profile: string): string | undefined {
  return profile.startsWith(PREFIX) ? profile.slice(PREFIX.length) : undefined;
}

/** What happened, as a channel is told it; decides e.g. PagerDuty's trigger or resolve. */
export type ChannelEvent = 'alert' | 'reminder' | 'recovery' | 'status' | 'fault' | 'storm' | 'escalation' | 'test';

/**
 * What a channel message says, independent of the service: each channel type renders it into
 * its own request (src/transports/push/<type>.ts) once, at enqueue.
 */
export interface ChannelContent {
  event: ChannelEvent;
  /** Short title: the mail's subject line. */
  title: string;
  /** Short body: the pager line (one line, at most 160 characters) or a few lines. */
  text: string;
  severity: Severity;
  host: string;
  /** Dotted event kind, e.g. `backup.failed`. */
  kind: string;
  /** When it happened (ms since the epoch). */
  at: number;
  set?: string;
  status?: string;
  activityId?: number;
  firstError?: string;
  counters?: { files: number; errors: number; warnings: number; bytesNew: number };
  /** Consecutive failures of the set's streak. */
  streak?: number;
  /** Sets of a storm group. */
  sets?: string[];
  /**
   * One incident per key at on-call services: a set's failing streak (`vigil:<host>:<set>`), a
   * fault, a storm group. The recovery resolves the same key.
   */
  incidentKey?: string;
}

/**
 * A channel message as the Outbox stores it: headers and body rendered at enqueue. Credentials
 * (tokens, routing keys, webhook URLs) are not in it: the transport adds them when it sends, so
 * they never reach the database.
 */
export interface StoredChannelRequest {
  type: ChannelType;
  headers: Record<string, string>;
  body: string;
}

export function encodeChannelRequest(request: StoredChannelRequest): Buffer {
  return Buffer.from(JSON.stringify(request), 'utf8');
}

export function decodeChannelRequest(raw: Buffer): StoredChannelRequest {
  return JSON.parse(raw.toString('utf8')) as StoredChannelRequest;
}

/** Renders a channel's message: implemented by the app from the transports' renderers. */
export interface ChannelRenderer {
  /** Throws (a VigilError) when the channel is not configured. */
  render(channel: string, content: ChannelContent): StoredChannelRequest;
}
