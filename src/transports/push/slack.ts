import type { ChannelContent, ChannelType } from '../../domain/channel.js';
import { clip, colour, facts, jsonRequest, type ChannelSpec } from './spec.js';

/** Slack's `text` is the notification line; the coloured attachment carries the facts. */
export function slackPayload(content: ChannelContent): Record<string, unknown> {
  return {
    text: clip(content.title, 3000),
    attachments: [
      {
        color: colour(content),
        fallback: clip(`${content.title}: ${content.text}`, 3000),
        text: clip(content.text, 3000),
        fields: facts(content).map(([title, value]) => ({ title, value, short: value.length < 40 })),
        footer: `Vigil on ${content.host}`,
        ts: Math.floor(content.at / 1000),
      },
    ],
  };
}

function chatWebhook(type: ChannelType): ChannelSpec {
  return {
    type,
    render: (content) => jsonRequest(type, slackPayload(content)),
    // The whole URL is the credential; it is the channel's `url`, never stored with the message.
    prepare: ({ stored, url }) => ({ url, headers: stored.headers, body: stored.body }),
  };
}

/** Slack incoming webhook: `200 ok`, errors as plain text (`invalid_token`, `channel_not_found`). */
export const slack = chatWebhook('slack');
/** Mattermost incoming webhooks take Slack's format. */
export const mattermost = chatWebhook('mattermost');
