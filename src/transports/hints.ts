import type { DeliveryOutcome } from '../domain/outcome.js';
import { graphHint } from './graph/hints.js';
import { oauthHint, xoauth2RefusedHint } from './oauth/hints.js';
import { smtpHint } from './smtp/hints.js';
import { pushHint } from './push/hints.js';

/** The hint `vigil mail test` prints for a failed attempt, whichever transport made it. */
export function deliveryHint(outcome: DeliveryOutcome): string | undefined {
  return oauthHint(outcome) ?? xoauth2RefusedHint(outcome) ?? graphHint(outcome) ?? pushHint(outcome) ?? smtpHint(outcome);
}
