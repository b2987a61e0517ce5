import { z } from 'zod';
import { formatDuration, parseDuration } from '../duration.js';
import { expecting } from '../issue-message.js';
import { isValidAddress, parseMailbox } from '../../domain/address.js';
import { parseByteRate } from '../../domain/units.js';

/** `{ env: NAME }` or `{ file: PATH }`. Secrets are never written inline in vigil.yaml. */
export const secretRef = z.union([z.strictObject({ env: z.string().min(1) }), z.strictObject({ file: z.string().min(1) })], {
  error: 'must be { env: NAME } or { file: PATH } — secrets are never written inline in vigil.yaml',
});
export type SecretRef = z.output<typeof secretRef>;

/**
 * The longest duration any key accepts: 10 years. Timers handle any length (src/platform/
 * long-timer.ts), but a date further off than this is a typo, and dates must stay in range.
 */
export const MAX_DURATION_MS = 3650 * 86_400_000;

/** A rate of bytes per second (`20MiB/s`, `500KiB/s`, `1MB/s`), parsed to bytes per second. */
export const byteRate = z.union([z.string(), z.number()], { error: expecting('a rate such as 20MiB/s or 500KiB/s') }).transform((value, ctx) => {
  const rate = parseByteRate(value);
  if (rate === undefined) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(value)} is not a rate; write e.g. 20MiB/s, 500KiB/s or 1MB/s` });
    return z.NEVER;
  }
  return rate;
});

/** A duration (`30s`, `15m`, `1h`, `5d`) parsed to milliseconds, at most MAX_DURATION_MS. */
export function duration(fallback: string) {
  return z
    .union([z.string(), z.number()], { error: expecting('a duration such as 30s, 15m, 1h or 5d') })
    .default(fallback)
    .transform((value, ctx) => {
      const ms = parseDuration(value);
      if (ms === undefined) {
        ctx.addIssue({ code: 'custom', message: `${JSON.stringify(value)} is not a duration; write e.g. 30s, 15m, 1h or 5d` });
        return z.NEVER;
      }
      if (ms > MAX_DURATION_MS) {
        ctx.addIssue({ code: 'custom', message: `${JSON.stringify(value)} is longer than the maximum, ${formatDuration(MAX_DURATION_MS)}` });
        return z.NEVER;
      }
      return ms;
    });
}

export const address = z.string().refine(isValidAddress, { error: (iss) => `${JSON.stringify(iss.input)} is not a valid e-mail address` });

/** `user@example.com` or `Name <user@example.com>`. */
export const mailbox = z.string().superRefine((value, ctx) => {
  try {
    parseMailbox('address', value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(value)} is not a valid sender; write user@example.com or "Name <user@example.com>"` });
    void error;
  }
});

/** A recipient: an address-book group name or an address. Resolved against the profile later. */
export const recipientRef = z.string().min(1, { error: 'an empty recipient; write a group name or an address' });
