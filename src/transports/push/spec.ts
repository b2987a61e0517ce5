import type { ChannelConfig } from '../../config/schema/channels.js';
import type { ChannelContent, ChannelType, StoredChannelRequest } from '../../domain/channel.js';

/** A channel's credentials, read from `{ env }` / `{ file }` when the transport is built. */
export type ChannelSecrets = Readonly<Record<string, string>>;

/** What goes on the wire for one attempt: the stored request plus credentials. */
export interface WireRequest {
  url: URL;
  /** Default POST (the stored request's method). */
  method?: 'GET' | 'POST';
  headers: Record<string, string>;
  body: string;
}

export interface PrepareInput {
  stored: StoredChannelRequest;
  /** The channel's endpoint (its `url`, or the service's default). */
  url: URL;
  secrets: ChannelSecrets;
  /** The message's stable idempotency key (the same on every retry). */
  messageId: string;
  /** Unix ms of this attempt (Standard Webhooks' timestamp). */
  now: number;
}

/**
 * One push service: how a message is rendered for it (pure, at enqueue, without credentials),
 * how credentials are added at send time, and how its answers differ from plain HTTP.
 */
export interface ChannelSpec<C extends ChannelConfig = ChannelConfig> {
  type: ChannelType;
  /** Endpoint when the channel has no `url`; undefined means `url` is required. */
  defaultUrl?: string;
  render(content: ChannelContent, config: C): StoredChannelRequest;
  prepare(input: PrepareInput): WireRequest;
  /**
   * The service's own error text from an answer body (Telegram's `description`, Slack's plain
   * text…), or a refusal hidden in a 2xx answer (Pushover `status: 0`, Telegram `ok: false`).
   */
  errorText?(status: number, body: string): string | undefined;
  /** A delay the service asks for in its body rather than in Retry-After (Telegram, Discord). */
  retryAfterMs?(body: string): number | undefined;
  /** Service-specific credential refusals that do not come as 401/403 (Pushover's 400 "token is invalid"). */
  isCredentialError?(status: number, body: string): boolean;
}

/** What ChannelTransport needs of a spec to send and classify: channels' and pings' alike. */
export type WireSpec = Pick<ChannelSpec, 'prepare' | 'errorText' | 'retryAfterMs' | 'isCredentialError'> & { type: string };

/** Pager-like targets keep one line; cut with an ellipsis at `max` characters (not bytes). */
export function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** The JSON object of `body` with `fields` first, without re-serializing the stored part. */
export function prependJsonFields(body: string, fields: Record<string, string>): string {
  const head = Object.entries(fields)
    .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`)
    .join(',');
  const rest = body.trim().slice(1);
  return `{${head}${rest === '}' ? '' : ','}${rest}`;
}

/** The facts every rich format shows: set, host, status, first error, counters. */
export function facts(content: ChannelContent): Array<[string, string]> {
  const rows: Array<[string, string]> = [];
  if (content.set) rows.push(['Set', content.set]);
  rows.push(['Host', content.host]);
  if (content.status) rows.push(['Status', content.status]);
  if (content.sets?.length) rows.push(['Sets', content.sets.join(', ')]);
  if (content.streak && content.streak > 1) rows.push(['Failures in a row', String(content.streak)]);
  if (content.counters) rows.push(['Files / errors / warnings', `${content.counters.files} / ${content.counters.errors} / ${content.counters.warnings}`]);
  if (content.firstError) rows.push(['First error', clip(content.firstError, 500)]);
  if (content.activityId !== undefined) rows.push(['Details', `vigil activity show ${content.activityId}`]);
  return rows;
}

/** Status colour: red for critical, orange for errors, amber for warnings, green otherwise. */
export function colour(content: ChannelContent): string {
  if (content.event === 'recovery') return '#2e7d32';
  return { critical: '#c62828', error: '#ef6c00', warning: '#f9a825', info: '#2e7d32' }[content.severity];
}

export function jsonRequest(type: ChannelType, value: unknown): StoredChannelRequest {
  return { type, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(value) };
}

export function parseJson(body: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
