import { VigilError } from './errors.js';
import { assertSafeHeaderValue } from './header-safety.js';

/**
 * A mailbox as users write it: `ops@example.com` or `Vigil on fileserver <backup@example.com>`.
 * Deliberately stricter than RFC 5322 (no comments, no group syntax, no quoted local parts with
 * spaces): addresses in a backup tool's configuration never need those, and a typo should fail.
 */
export interface Mailbox {
  name?: string;
  address: string;
}

const ADDR_SPEC = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const WITH_NAME = /^\s*(?:"([^"]*)"|([^<>"]*?))\s*<([^<>]+)>\s*$/;

export function isValidAddress(address: string): boolean {
  return address.length <= 254 && ADDR_SPEC.test(address) && !address.includes('..');
}

/** Parses one mailbox; throws ERR_ADDRESS_INVALID naming `field` when it is not one. */
export function parseMailbox(field: string, value: string): Mailbox {
  assertSafeHeaderValue(field, value);
  const named = WITH_NAME.exec(value);
  const address = (named ? (named[3] ?? '') : value).trim();
  if (!isValidAddress(address)) {
    throw new VigilError('ERR_ADDRESS_INVALID', `${field}: ${JSON.stringify(value)} is not a valid e-mail address`, {
      hint: 'Write it as user@example.com or "Name <user@example.com>".',
    });
  }
  const name = named ? (named[1] ?? named[2] ?? '').trim() : '';
  return name ? { name, address } : { address };
}
