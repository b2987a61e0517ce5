import type { FinalStatus } from './activity.js';
import type { RunStatus } from './run-status.js';

/**
 * Heartbeat pings (issue 13, docs/heartbeats.md): a dead-man's switch outside the host that
 * alerts when Vigil goes quiet. Per set (`sets.<name>.ping`: the run started, succeeded or
 * failed) and for the service (`heartbeat`: I am alive, or why not). Pings are Outbox messages
 * stored under the pseudo-profile `ping:<target>` — like channels' `channel:<name>` — so they are
 * retried with backoff and never block a backup. The URL is the credential: it is not stored.
 */
export const PING_PROTOCOLS = ['healthchecks', 'uptime-kuma'] as const;
export type PingProtocol = (typeof PING_PROTOCOLS)[number];

/** The service heartbeat's target name; sets are `set:<name>` so the two never collide. */
export const SERVICE_PING_TARGET = 'service';

const PREFIX = 'ping:';

export function setPingTarget(set: string): string {
  return `set:${set}`;
}

export function pingProfile(target: string): string {
  return PREFIX + target;
}

/** The ping target a stored message's profile names, or undefined when it is not a ping. */
export function pingTargetOfProfile(profile: string): string | undefined {
  return profile.startsWith(PREFIX) ? profile.slice(PREFIX.length) : undefined;
}

/** What a ping says. `exit` carries a command set's exit status (healthchecks' `/<status>`). */
export type PingEvent = 'start' | 'success' | 'fail';

export interface PingContent {
  event: PingEvent;
  /** Ties a run's start to its end at the checker (healthchecks' `rid`): a UUID. Absent for the service. */
  runId?: string;
  /** The body: the run's log tail, or why the service is unhealthy (capped by the protocol). */
  body: string;
  /** One line: `failed: <first error>`, `completed`, `unhealthy: <reason>`. */
  summary: string;
  /** How long the run took, for Uptime Kuma's `ping`. */
  durationMs?: number;
  /** A command set's exit status when it failed (healthchecks `/<status>` instead of `/fail`). */
  exitStatus?: number;
}

/**
 * Whether a finished run is a success or a failure at the checker. `completed-with-warnings`
 * counts as success unless the set's rule alerts on it; `skipped` says nothing (the run before
 * it is still going and will end its own ping). A run cancelled by a person did not back up:
 * failure, as it would be at the checker when the end never came. `interrupted` (a clean
 * service stop) says nothing either: the next start runs it again, with its own start and end.
 */
export function pingEventOf(status: FinalStatus, ruleOn: readonly RunStatus[]): PingEvent | undefined {
  if (status === 'skipped' || status === 'interrupted') return undefined;
  if (status === 'completed') return 'success';
  if (status === 'completed-with-warnings') return ruleOn.includes('completed-with-warnings') ? 'fail' : 'success';
  return 'fail';
}

/** Healthchecks keeps the first 100,000 bytes of a body: the tail is what matters, so keep that. */
export const PING_BODY_MAX_BYTES = 100_000;

/** The last `max` bytes of `text`, cut at a character boundary, marked when cut. */
export function tailBytes(text: string, max = PING_BODY_MAX_BYTES): string {
  const bytes = Buffer.byteLength(text);
  if (bytes <= max) return text;
  const marker = '[… earlier lines cut]\n';
  const buffer = Buffer.from(text, 'utf8');
  let start = bytes - (max - Buffer.byteLength(marker));
  // Skip UTF-8 continuation bytes so the tail starts on a whole character.
  while (start < buffer.length && (buffer[start]! & 0xc0) === 0x80) start++;
  return marker + buffer.subarray(start).toString('utf8');
}

/** Whether a protocol has anything to say for this event (Uptime Kuma has no "started"). */
export function protocolSends(protocol: PingProtocol, event: PingEvent): boolean {
  return !(protocol === 'uptime-kuma' && event === 'start');
}
