import { clip, parseJson, jsonRequest, type ChannelSpec } from './spec.js';

/** Gotify: `POST <server>/message` with the app token in `X-Gotify-Key`; priority 8 wakes the phone. */
export const gotify: ChannelSpec = {
  type: 'gotify',
  render(content) {
    const priority = content.event === 'recovery' || content.event === 'test' ? 4 : { critical: 8, error: 6, warning: 4, info: 2 }[content.severity];
    const text = content.activityId === undefined ? content.text : `${content.text}\nvigil activity show ${content.activityId}`;
    return jsonRequest('gotify', { title: clip(content.title, 250), message: clip(text, 4000), priority });
  },
  prepare({ stored, url, secrets }) {
    const endpoint = new URL(`${url.pathname.replace(/\/+$/, '')}/message`, url);
    return { url: endpoint, headers: { ...stored.headers, 'X-Gotify-Key': secrets.token ?? '' }, body: stored.body };
  },
  errorText(status, body) {
    if (status < 300) return undefined;
    const json = parseJson(body);
    return typeof json?.errorDescription === 'string' ? json.errorDescription : undefined;
  },
};
