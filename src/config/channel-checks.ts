import type { Problem } from '../domain/problem.js';
import type { VigilConfig } from './schema/index.js';
import { urlProblem, type ChannelConfig } from './schema/channels.js';
import { readSecret } from './secrets.js';
import { isVigilError } from '../domain/errors.js';

// Their whole webhook URL is the credential: written inline in vigil.yaml it is a secret in a
// file that is usually world-readable and often in version control.
const TOKEN_IN_URL = new Set<ChannelConfig['type']>(['slack', 'teams', 'discord', 'mattermost', 'googlechat']);

/** Pure checks of `channels:` that need the whole file (names shared with address-book groups). */
export function channelProblems(config: VigilConfig, groups: ReadonlySet<string>): Problem[] {
  const problems: Problem[] = [];
  for (const [name, channel] of Object.entries(config.channels)) {
    if (groups.has(name)) {
      problems.push({ path: ['channels', name], message: `"${name}" is also an address-book group: a recipient name must say one thing; rename the channel or the group`, severity: 'error' });
    }
    if (TOKEN_IN_URL.has(channel.type) && typeof channel.url === 'string') {
      problems.push({ path: ['channels', name, 'url'], message: `a ${channel.type} webhook URL embeds its token: give it as { env: NAME } or { file: PATH }`, severity: 'warning' });
    }
    if (channel.allowInsecure) {
      problems.push({ path: ['channels', name, 'allowInsecure'], message: 'plain http:// is allowed: the token and the message cross the network unencrypted', severity: 'warning' });
    }
  }
  return problems;
}

/** Checks that read the channels' secrets (to prove they can be read; values are never shown). */
export function channelEnvironmentProblems(config: VigilConfig, env: NodeJS.ProcessEnv): Problem[] {
  const problems: Problem[] = [];
  for (const [name, channel] of Object.entries(config.channels)) {
    const at = ['channels', name];
    const read = (key: string, ref: Parameters<typeof readSecret>[0]): string | undefined => {
      try {
        return readSecret(ref, [...at, key].join('.'), env);
      } catch (error) {
        if (!isVigilError(error)) throw error;
        problems.push({ path: [...at, key], message: error.message.replace(/^[^:]+: /, ''), severity: 'error' });
        return undefined;
      }
    };
    if (channel.url !== undefined && typeof channel.url !== 'string') {
      const url = read('url', channel.url);
      const problem = url === undefined ? undefined : urlProblem(url, channel.allowInsecure);
      // The URL itself is the secret: the problem is named, never the value.
      if (problem) problems.push({ path: [...at, 'url'], message: `the URL read from the secret ${problem}`, severity: 'error' });
    }
    for (const [key, ref] of secretsOf(channel)) {
      const value = read(key, ref);
      if (value === undefined) continue;
      if (channel.type === 'pagerduty' && key === 'routingKey' && !/^[A-Za-z0-9]{32}$/.test(value)) {
        problems.push({ path: [...at, key], message: `is ${value.length} characters; a PagerDuty Events API v2 integration key is 32 letters and digits (Service → Integrations → Events API V2)`, severity: 'error' });
      }
      if (channel.type === 'webhook' && key === 'secret' && !/^whsec_[A-Za-z0-9+/=]{16,}$/.test(value)) {
        problems.push({ path: [...at, key], message: 'is not a Standard Webhooks secret: write whsec_ followed by base64 (e.g. `echo whsec_$(openssl rand -base64 32)`)', severity: 'error' });
      }
    }
    if (channel.caFile) {
      try {
        readSecret({ file: channel.caFile }, [...at, 'caFile'].join('.'), env);
      } catch {
        problems.push({ path: [...at, 'caFile'], message: `cannot read ${channel.caFile}`, severity: 'error' });
      }
    }
  }
  return problems;
}

/** The `{ env }` / `{ file }` credentials of a channel, by key (the URL aside). */
export function secretsOf(channel: ChannelConfig): Array<[string, Parameters<typeof readSecret>[0]]> {
  switch (channel.type) {
    case 'ntfy':
      return channel.token ? [['token', channel.token]] : [];
    case 'pagerduty':
      return [['routingKey', channel.routingKey]];
    case 'pushover':
      return [['token', channel.token], ['user', channel.user]];
    case 'telegram':
      return [['botToken', channel.botToken]];
    case 'gotify':
      return [['token', channel.token]];
    case 'webhook':
      return [['secret', channel.secret]];
    default:
      return [];
  }
}
