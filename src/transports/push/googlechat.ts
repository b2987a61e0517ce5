import { clip, facts, jsonRequest, type ChannelSpec } from './spec.js';

/** Google Chat space webhook: a `text` message (bold title, the facts one per line). */
export const googlechat: ChannelSpec = {
  type: 'googlechat',
  render(content) {
    const lines = [`*${content.title.replace(/\*/g, '')}*`, content.text, ...facts(content).map(([k, v]) => `${k}: ${v}`)];
    return jsonRequest('googlechat', { text: clip(lines.join('\n'), 4000) });
  },
  prepare: ({ stored, url }) => ({ url, headers: { ...stored.headers, 'Content-Type': 'application/json; charset=UTF-8' }, body: stored.body }),
};
