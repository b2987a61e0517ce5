import type { ChannelContent } from '../../domain/channel.js';
import { clip, type ChannelSpec } from './spec.js';

// ntfy keeps a message body up to 4,096 bytes; a longer one becomes an attachment.
const MAX_BODY_BYTES = 4_096;

/** Priority 1–5: critical pages at 5 ("max/urgent"), errors 4, the rest the default 3. */
export function ntfyPriority(content: ChannelContent): number {
  if (content.event === 'recovery' || content.event === 'test') return 3;
  return { critical: 5, error: 4, warning: 3, info: 3 }[content.severity];
}

function tags(content: ChannelContent): string {
  if (content.event === 'recovery') return 'white_check_mark';
  if (content.event === 'test') return 'test_tube';
  return content.severity === 'critical' || content.severity === 'error' ? 'rotating_light' : 'warning';
}

/**
 * ntfy: `POST <server>/<topic>`, the body the message, Title/Priority/Tags as headers. The topic
 * URL is the password of an open topic: it lives in the configuration, never in the database.
 * Non-ASCII titles use RFC 2047 encoding, which ntfy decodes (HTTP headers are Latin-1 on the wire).
 */
export const ntfy: ChannelSpec = {
  type: 'ntfy',
  render(content) {
    let body = content.text;
    if (content.activityId !== undefined) body += `\nvigil activity show ${content.activityId}`;
    while (Buffer.byteLength(body) > MAX_BODY_BYTES) body = clip(body, Math.floor([...body].length * 0.9));
    return {
      type: 'ntfy',
      headers: { 'Content-Type': 'text/plain; charset=utf-8', Title: headerText(clip(content.title, 250)), Priority: String(ntfyPriority(content)), Tags: tags(content) },
      body,
    };
  },
  prepare({ stored, url, secrets }) {
    return { url, headers: { ...stored.headers, ...(secrets.token ? { Authorization: `Bearer ${secrets.token}` } : {}) }, body: stored.body };
  },
};

function headerText(text: string): string {
  const line = text.replace(/[\r\n]+/g, ' ');
  return /^[\x20-\x7e]*$/.test(line) ? line : `=?UTF-8?B?${Buffer.from(line).toString('base64')}?=`;
}
