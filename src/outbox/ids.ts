import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32, lower case
const RANDOM_CHARS = 6;
/** 2^30: what six base-32 characters hold. */
const RANDOM_SPACE = 32 ** RANDOM_CHARS;

/** The last id made in this process: its millisecond and random part. */
let last = { time: -1, random: 0 };

/**
 * Outbox ids: 10 characters of time, 6 of randomness. Sorted by creation, short enough to type
 * in `vigil outbox show ID`, unique without coordination.
 *
 * Ids made in the same millisecond by this process continue from the last one (its random part
 * plus one) instead of drawing again: a batch enqueued at one `now` can hold thousands, and
 * thousands of independent 30-bit draws collide (5,000 of them about once in a hundred batches).
 * A fresh draw starts in the lower half, so a millisecond has room for 2^29 ids; past that the
 * time part moves on by one. Between processes (hosts of a fleet) ids of the same millisecond
 * still rest on the draw: two batches of n collide with a chance of about 2n / 2^30.
 */
export function newMessageId(now: number): string {
  let time = Math.floor(now);
  let random: number;
  if (time === last.time) {
    random = last.random + 1;
    if (random >= RANDOM_SPACE) {
      time += 1;
      random = freshRandom();
    }
  } else {
    random = freshRandom();
  }
  last = { time, random };
  return encode(time, 10) + encode(random, RANDOM_CHARS);
}

function freshRandom(): number {
  return randomBytes(4).readUInt32BE(0) % (RANDOM_SPACE / 2);
}

function encode(value: number, chars: number): string {
  let text = '';
  let rest = value;
  for (let i = 0; i < chars; i++) {
    text = ALPHABET[rest % 32]! + text;
    rest = Math.floor(rest / 32);
  }
  return text;
}
