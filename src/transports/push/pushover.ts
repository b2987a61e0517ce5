import type { PushoverChannelConfig } from './configs.js';
import { clip, jsonRequest, parseJson, prependJsonFields, type ChannelSpec } from './spec.js';

/**
 * Pushover `messages.json`. Critical alerts are priority 1 (bypass quiet hours), or 2
 * (emergency, repeated until acknowledged) with `emergency:` configured. The application token
 * and user key are added at send time. A 4xx `{"status":0,"errors":[…]}` is permanent, except a
 * refused token or user key: the credentials, so the channel pauses.
 */
export const pushover: ChannelSpec<PushoverChannelConfig> = {
  type: 'pushover',
  defaultUrl: 'https://api.pushover.net/1/messages.json',
  render(content, config) {
    const critical = content.severity === 'critical' && content.event !== 'recovery' && content.event !== 'test';
    const priority = critical ? (config.emergency ? 2 : 1) : content.severity === 'info' || content.event === 'recovery' ? -1 : 0;
    return jsonRequest('pushover', {
      title: clip(content.title, 250),
      message: clip(content.activityId === undefined ? content.text : `${content.text}\nvigil activity show ${content.activityId}`, 1024),
      priority,
      ...(priority === 2 && config.emergency ? { retry: config.emergency.retry, expire: config.emergency.expire } : {}),
      timestamp: Math.floor(content.at / 1000),
    });
  },
  prepare({ stored, url, secrets }) {
    return { url, headers: stored.headers, body: prependJsonFields(stored.body, { token: secrets.token ?? '', user: secrets.user ?? '' }) };
  },
  errorText(_status, body) {
    const json = parseJson(body);
    if (!json || json.status !== 0) return undefined;
    return Array.isArray(json.errors) ? json.errors.map(String).join('; ') : 'status 0';
  },
  isCredentialError(status, body) {
    return status === 400 && /(token|user key|user identifier) is invalid/i.test(body);
  },
};
