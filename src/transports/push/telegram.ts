import type { TelegramChannelConfig } from './configs.js';
import { clip, jsonRequest, parseJson, type ChannelSpec } from './spec.js';

const MAX_TEXT = 4_096;

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Telegram Bot API `sendMessage`, HTML parse mode. The bot token is part of the URL path, added
 * at send time. `{"ok":false,"error_code":…,"description":…}` carries the error; 429 has
 * `parameters.retry_after`.
 */
export const telegram: ChannelSpec<TelegramChannelConfig> = {
  type: 'telegram',
  defaultUrl: 'https://api.telegram.org',
  render(content, config) {
    const title = `<b>${escapeHtml(content.title)}</b>`;
    const hint = content.activityId === undefined ? '' : `\n<code>vigil activity show ${content.activityId}</code>`;
    const room = MAX_TEXT - [...title].length - [...hint].length - 1;
    return jsonRequest('telegram', { chat_id: config.chatId, text: `${title}\n${escapeHtml(clip(content.text, Math.max(100, room - 200)))}${hint}`, parse_mode: 'HTML', disable_web_page_preview: true });
  },
  prepare({ stored, url, secrets }) {
    const endpoint = new URL(`${url.pathname.replace(/\/+$/, '')}/bot${secrets.botToken ?? ''}/sendMessage`, url);
    return { url: endpoint, headers: stored.headers, body: stored.body };
  },
  errorText(_status, body) {
    const json = parseJson(body);
    if (!json || json.ok !== false) return undefined;
    return typeof json.description === 'string' ? json.description : `error ${String(json.error_code)}`;
  },
  retryAfterMs(body) {
    const parameters = parseJson(body)?.parameters as { retry_after?: unknown } | undefined;
    return typeof parameters?.retry_after === 'number' ? parameters.retry_after * 1000 : undefined;
  },
};
