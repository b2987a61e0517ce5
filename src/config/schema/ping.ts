import { z } from 'zod';
import { PING_PROTOCOLS } from '../../domain/ping.js';
import { duration, secretRef } from './common.js';
import { formatDuration } from '../duration.js';

/**
 * Heartbeat pings (docs/heartbeats.md): `sets.<name>.ping` and the service's `heartbeat`. The URL
 * is the credential (anyone who has it can report "all is well"): inline, or `{ env }` / `{ file }`
 * to keep it out of vigil.yaml; either way it is redacted wherever Vigil writes. `http://` is
 * allowed (a self-hosted checker on the LAN), with a `config check` warning.
 */
const pingUrl = z
  .union([z.string().min(1, { error: 'url is empty' }), secretRef], {
    error: 'url must be the check’s ping URL (https://hc-ping.com/<uuid>, https://kuma.example.com/api/push/<token>), or { env: NAME } / { file: PATH }',
  })
  .superRefine((value, ctx) => {
    if (typeof value !== 'string') return;
    const problem = pingUrlProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

const common = {
  url: pingUrl,
  protocol: z
    .enum(PING_PROTOCOLS, { error: (iss) => `${JSON.stringify(iss.input)} is not a ping protocol; write ${PING_PROTOCOLS.join(' or ')} (healthchecks also fits other checkers with /start and /fail URLs)` })
    .default('healthchecks'),
  timeoutSeconds: z.number().positive().max(300).default(10),
};

/** `sets.<name>.ping`: the run started, succeeded or failed. */
export const setPing = z.strictObject(common);

/** `heartbeat`: the service is alive (every `every`), or why not. */
export const heartbeat = z.strictObject({
  ...common,
  every: duration('5m').refine((ms) => ms >= 1_000, { error: (iss) => `${formatDuration(Number(iss.input))} is shorter than 1s; write e.g. every: 5m, and give the check the same period` }),
});

export type PingConfig = z.output<typeof setPing>;
export type HeartbeatConfig = z.output<typeof heartbeat>;

/**
 * Why a ping URL cannot be used, or undefined. Never quotes the URL: its path is the secret.
 * Also applied to URLs read from `{ env }` / `{ file }`.
 */
export function pingUrlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'is not a URL (its value is not shown: it is the check’s secret); write the check’s full ping URL, e.g. https://hc-ping.com/<uuid>';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `${url.protocol} is not supported; use https:// (or http:// for a checker on a trusted network)`;
  if (url.username || url.password) return 'has a user name or password in it; ping URLs carry their secret in the path';
  return undefined;
}
