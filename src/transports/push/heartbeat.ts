import type { StoredChannelRequest } from '../../domain/channel.js';
import { tailBytes, type PingContent, type PingProtocol } from '../../domain/ping.js';
import { clip, parseJson, type PrepareInput, type WireRequest, type WireSpec } from './spec.js';

/**
 * A heartbeat checker's protocol: how a ping is rendered (pure, at enqueue, without the URL,
 * which is the credential) and how the URL is completed at send time. Sent by ChannelTransport,
 * so answers are classified, retried and redacted exactly as the push channels' are.
 */
export interface PingSpec extends WireSpec {
  type: PingProtocol;
  render(content: PingContent): StoredChannelRequest;
}

/** The endpoint with the stored path appended and the stored query set: a ping URL's path is its secret. */
export function pingUrl({ stored, url }: Pick<PrepareInput, 'stored' | 'url'>): URL {
  const out = new URL(url.href);
  if (stored.path) out.pathname = out.pathname.replace(/\/+$/, '') + stored.path;
  for (const [key, value] of Object.entries(stored.query ?? {})) out.searchParams.set(key, value);
  return out;
}

/**
 * A checker that does not know the URL (healthchecks' 404 unknown check and 409 ambiguous slug,
 * Uptime Kuma's 404 "Monitor not found or not active") refuses every later ping as well: the URL
 * is the ping's credential, so the route pauses and the admins are told (src/notify/channel-paused.ts)
 * rather than each ping failing on its own while the outside check watches nothing.
 */
function urlRefused(status: number): boolean {
  return status === 404 || status === 409 || status === 410;
}

function prepare(input: PrepareInput): WireRequest {
  return { url: pingUrl(input), method: input.stored.method ?? 'POST', headers: input.stored.headers, body: input.stored.body };
}

/**
 * healthchecks.io and self-hosted Healthchecks: `/start` when a run starts, the bare URL on
 * success, `/fail` — or `/<exit status>` for a command set — on failure; `rid` ties the run's
 * pings together; the log tail is the POST body (the checker keeps 100,000 bytes).
 */
export const healthchecks: PingSpec = {
  type: 'healthchecks',
  render(content) {
    const path = content.event === 'start' ? '/start' : content.event === 'success' ? '' : content.exitStatus !== undefined && content.exitStatus >= 1 && content.exitStatus <= 255 ? `/${content.exitStatus}` : '/fail';
    return {
      type: 'healthchecks',
      method: 'POST',
      ...(path ? { path } : {}),
      ...(content.runId ? { query: { rid: content.runId } } : {}),
      headers: { 'Content-Type': 'text/plain; charset=utf-8' },
      body: tailBytes(content.body),
    };
  },
  prepare,
  isCredentialError: urlRefused,
};

// Uptime Kuma shows `msg` in its event list: a line, not a log.
const KUMA_MSG_MAX = 250;

/**
 * Uptime Kuma's push monitor: a GET with `status=up|down`, `msg` (the status and first error)
 * and `ping` (the run's duration in ms). It has no "started" state: a start is not sent.
 * Answers `{"ok":true}`, or `{"ok":false,"msg":"Monitor not found or not active."}` (404).
 */
export const uptimeKuma: PingSpec = {
  type: 'uptime-kuma',
  render(content) {
    const query: Record<string, string> = { status: content.event === 'fail' ? 'down' : 'up', msg: clip(content.summary.replace(/\s+/g, ' '), KUMA_MSG_MAX) };
    // The push URL Uptime Kuma shows ends in `&ping=` (empty): set or cleared, never left empty.
    query.ping = content.durationMs === undefined ? '' : String(Math.round(content.durationMs));
    return { type: 'uptime-kuma', method: 'GET', query, headers: {}, body: '' };
  },
  prepare,
  isCredentialError: urlRefused,
  errorText(_status, body) {
    const json = parseJson(body);
    return json && json.ok === false ? String(json.msg ?? 'ok: false') : undefined;
  },
};

export const PING_SPECS: Record<PingProtocol, PingSpec> = { healthchecks, 'uptime-kuma': uptimeKuma };

