import type { DeliveryOutcome } from '../../domain/outcome.js';

/** Where each service's credential is made (docs/channels.md has the steps). */
const WHERE: Record<string, string> = {
  ntfy: 'an access token (tk_…) under Account → Access tokens on your ntfy server',
  pagerduty: 'the Integration Key of an "Events API V2" integration (Service → Integrations)',
  pushover: 'the API Token of your application (pushover.net/apps) and your User Key (pushover.net dashboard)',
  telegram: 'the token @BotFather gave the bot (/token), and a chat the bot is a member of',
  slack: 'a new webhook URL (Slack app → Incoming Webhooks); a deleted or revoked URL answers invalid_token or no_service',
  teams: 'a new Workflows URL ("Post to a channel when a webhook request is received"); Office 365 connector URLs are retired',
  discord: 'a new webhook URL (Channel settings → Integrations → Webhooks)',
  mattermost: 'a new incoming webhook URL (Integrations → Incoming Webhooks)',
  googlechat: 'a new webhook URL (space → Apps & integrations → Webhooks)',
  gotify: 'an application token (Apps → Create application) on your Gotify server',
  webhook: 'the receiver’s URL and its whsec_ secret',
};

/** A next step for a push-channel failure (ERR_PUSH_*). Pure: reads the outcome. */
export function pushHint(outcome: DeliveryOutcome, type?: string): string | undefined {
  const where = type ? WHERE[type] : undefined;
  switch (outcome.errorCode) {
    case 'ERR_PUSH_AUTH':
      return `The service refused the credentials; the channel is paused until \`vigil notify test\` succeeds.${where ? ` Check ${where}.` : ''}`;
    case 'ERR_PUSH_TLS':
      return /https/.test(outcome.detail) && !/certificate/.test(outcome.detail)
        ? 'Use an https:// URL, or set allowInsecure: true for a server on a trusted network.'
        : 'The server’s certificate is not trusted here: give the channel caFile with its CA (PEM), or fix the server’s certificate chain.';
    case 'ERR_PUSH_REJECTED':
      if (/HTTP 404|HTTP 410|not found|archived/i.test(outcome.detail)) return `The URL or chat no longer exists.${where ? ` Get ${where}.` : ''}`;
      return 'The service refused this message as it is (its text is above); it will not be retried.';
    case 'ERR_PUSH_DEFERRED':
      return 'The service is rate-limiting or briefly unavailable; Vigil retries after the delay it asked for.';
    case 'ERR_PUSH_CONNECT':
    case 'ERR_PUSH_TIMEOUT':
      return 'The service could not be reached: check the url, DNS, proxy and firewall from this machine; Vigil retries.';
    case 'ERR_PUSH_AMBIGUOUS':
      return 'The request went out but no answer came: it may have been delivered. Vigil retries with the same idempotency key (webhook-id, dedup_key) and flags a possible duplicate.';
    case 'ERR_SECRET_UNREADABLE':
      // Without a type this is a mail profile's secret: smtp/hints.ts answers that.
      if (!type) return undefined;
      return 'Set the variable in the service’s environment (EnvironmentFile= in the systemd unit), or make the file readable by the account Vigil runs as.';
    default:
      return undefined;
  }
}
