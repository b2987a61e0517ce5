import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Password and token hashes for `console.users` and `console.tokens`: scrypt from node:crypto
 * (memory-hard, no native add-on to build), written `scrypt$N$r$p$salt$hash` so the cost can
 * be raised later without breaking the hashes already in vigil.yaml.
 */
// N = 2^15, r = 8: 32 MiB and ~0.1 s a hash, as the builtin engine's vault keys. Not 2^14 (16 MiB):
// OpenSSL takes scrypt's memory with one malloc, and glibc raises its mmap threshold to the size
// of any mmap'd block freed up to 32 MiB — after a 16 MiB one, every buffer under 16 MiB came from
// the heap and freed memory stayed in the process (~5 MB more RSS after a login and the console's
// first pages). A block just over 32 MiB (32·r·(N+2)·4 bytes) is above that ceiling and leaves the
// threshold alone (docs/performance.md, console, third round). Hashes of other costs still verify.
const COST = { N: 32_768, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
// Hashes in vigil.yaml are read from a file anyone with write access may edit: a huge N would
// make every login a denial of service. 2^20 × r 8 is 1 GiB; refuse more than that.
const MAX_MEMORY = 1024 * 1024 * 1024 + 65_536;

function derive(secret: string, salt: Buffer, length: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(secret.normalize('NFC'), salt, length, { ...options, maxmem: MAX_MEMORY }, (error, key) => (error ? reject(error) : resolve(key))));
}

/** A new hash of `secret` with a random salt. */
export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(secret, salt, KEY_LENGTH, COST);
  return `scrypt$${COST.N}$${COST.r}$${COST.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/**
 * Whether `secret` matches `hash`, compared in constant time. A malformed hash never matches
 * (config check rejects those before the console starts).
 */
export async function verifySecret(secret: string, hash: string): Promise<boolean> {
  const parts = hash.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const salt = Buffer.from(parts[4]!, 'base64');
  const expected = Buffer.from(parts[5]!, 'base64');
  if (expected.length < 16 || !Number.isInteger(N) || N < 2 || (N & (N - 1)) !== 0) return false;
  let actual: Buffer;
  try {
    actual = await derive(secret, salt, expected.length, { N, r, p });
  } catch {
    return false;
  }
  return timingSafeEqual(actual, expected);
}

/**
 * A hash to compare against when the user name is unknown, so an unknown name costs as much
 * time as a wrong password and names cannot be told apart by timing.
 */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashSecret(randomBytes(16).toString('hex'));
  return decoy;
}
