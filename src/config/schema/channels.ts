import { z } from 'zod';
import { secretRef } from './common.js';

/**
 * `channels.<name>`: push targets (docs/channels.md). Credentials are `{ env }` / `{ file }`;
 * a URL is a plain string or, when it embeds a token (Slack, Teams, Discord…), a secret too.
 */
const urlOrSecret = z.union([z.string().min(1, { error: 'url is empty' }), secretRef], {
  error: 'url must be a URL, or { env: NAME } / { file: PATH } when it embeds a token',
});

const common = {
  /** Overrides the service's default endpoint (self-hosted servers, EU regions, tests). */
  url: urlOrSecret.optional(),
  timeoutSeconds: z.number().positive().max(300).default(10),
  /** Allows plain http:// (a server on the local network). Off: tokens only travel over TLS. */
  allowInsecure: z.boolean().default(false),
  /** PEM file of a CA to trust in addition to the system's (a self-hosted server). */
  caFile: z.string().min(1).optional(),
};

const withUrl = { ...common, url: urlOrSecret };

const chatId = z.union([z.string(), z.number().int()]).transform((value, ctx) => {
  const text = String(value);
  if (!/^-?\d{1,20}$/.test(text) && !/^@[A-Za-z][A-Za-z0-9_]{3,31}$/.test(text)) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(text)} is not a Telegram chat id; write a number (e.g. "-1001234567890" for a group or channel) or @channelname` });
    return z.NEVER;
  }
  return text;
});

export const ntfyChannel = z.strictObject({ type: z.literal('ntfy'), ...withUrl, token: secretRef.optional() });
export const pagerdutyChannel = z.strictObject({ type: z.literal('pagerduty'), ...common, routingKey: secretRef });
export const pushoverChannel = z.strictObject({
  type: z.literal('pushover'),
  ...common,
  token: secretRef,
  user: secretRef,
  /** Critical alerts as emergency (priority 2): repeated every `retry` s until acknowledged or `expire` s. */
  emergency: z.strictObject({ retry: z.number().int().min(30).default(60), expire: z.number().int().min(30).max(10_800).default(3_600) }).optional(),
});
export const telegramChannel = z.strictObject({ type: z.literal('telegram'), ...common, botToken: secretRef, chatId });
export const chatChannel = z.strictObject({ type: z.enum(['slack', 'teams', 'discord', 'mattermost', 'googlechat']), ...withUrl });
export const gotifyChannel = z.strictObject({ type: z.literal('gotify'), ...withUrl, token: secretRef });
export const webhookChannel = z.strictObject({
  type: z.literal('webhook'),
  ...withUrl,
  /** Standard Webhooks signing secret, `whsec_<base64>`. */
  secret: secretRef,
});

export const channel = z
  .discriminatedUnion('type', [ntfyChannel, pagerdutyChannel, pushoverChannel, telegramChannel, chatChannel, gotifyChannel, webhookChannel], {
    error: 'type must be one of ntfy, pagerduty, pushover, telegram, slack, teams, discord, mattermost, googlechat, gotify, webhook',
  })
  .superRefine((c, ctx) => {
    if (typeof c.url !== 'string') return;
    const problem = urlProblem(c.url, c.allowInsecure);
    if (problem) ctx.addIssue({ code: 'custom', path: ['url'], message: problem });
  });

export const channels = z
  .record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, { error: 'channel names use letters, digits, "-", "_" and "."' }), channel)
  .default({});

export type ChannelConfig = z.output<typeof channel>;

/** Why a channel URL cannot be used, or undefined. Also applied to URLs read from secrets. */
export function urlProblem(text: string, allowInsecure: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'is not a URL; write it as https://…';
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:') return allowInsecure ? undefined : 'is http://: credentials would cross the network unencrypted; use https://, or set allowInsecure: true for a server on a trusted network';
  return `${url.protocol} is not supported; use https://`;
}
