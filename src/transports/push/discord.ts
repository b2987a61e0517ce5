import { clip, colour, facts, jsonRequest, parseJson, type ChannelSpec } from './spec.js';

/** Discord webhook: `content` (≤ 2,000) plus one embed with the status colour; answers 204. */
export const discord: ChannelSpec = {
  type: 'discord',
  render(content) {
    return jsonRequest('discord', {
      content: clip(content.title, 2000),
      embeds: [
        {
          title: clip(content.title, 256),
          description: clip(content.text, 4096),
          color: Number.parseInt(colour(content).slice(1), 16),
          fields: facts(content)
            .slice(0, 25)
            .map(([name, value]) => ({ name, value: clip(value, 1024), inline: value.length < 40 })),
          footer: { text: `Vigil on ${content.host}` },
          timestamp: new Date(content.at).toISOString(),
        },
      ],
      allowed_mentions: { parse: [] },
    });
  },
  prepare: ({ stored, url }) => ({ url, headers: stored.headers, body: stored.body }),
  errorText(status, body) {
    if (status < 300) return undefined;
    const json = parseJson(body);
    return typeof json?.message === 'string' ? json.message : undefined;
  },
  retryAfterMs(body) {
    const seconds = parseJson(body)?.retry_after;
    return typeof seconds === 'number' ? Math.ceil(seconds * 1000) : undefined;
  },
};
