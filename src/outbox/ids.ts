import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32, lower case

/**
 * Outbox ids: 10 characters of time, 6 of randomness. Sorted by creation, short enough to type
 * in `vigil outbox show ID`, unique without coordination.
 */
export function newMessageId(now: number): string {
  let time = '';
  let t = Math.floor(now);
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32]! + time;
    t = Math.floor(t / 32);
  }
  let random = '';
  for (const byte of randomBytes(6)) random += ALPHABET[byte % 32];
  return time + random;
}
