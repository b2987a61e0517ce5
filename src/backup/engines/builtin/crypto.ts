import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, scrypt, type BinaryLike } from 'node:crypto';
import { VigilError } from '../../../domain/errors.js';

/**
 * The vault's key material. `encKey` and `idKey` are null for an unencrypted vault.
 * - encKey: AES-256-GCM key for every blob, index, snapshot and pack header.
 * - idKey: HMAC-SHA256 key for blob ids, so ids do not confirm that a known file is stored.
 * - chunkerSeed: seeds the gear table of the content-defined chunker.
 */
export interface VaultKeys {
  encKey: Buffer | null;
  idKey: Buffer | null;
  chunkerSeed: Buffer;
}

/** On-disk key file (keys/<id>.json). Only the scrypt-derived key can open `sealed`. */
export interface KeyFile {
  /** The vault id this key file belongs to (a killed `create` may leave another vault's key file). */
  vault: string;
  kdf: 'scrypt';
  N: number;
  r: number;
  p: number;
  salt: string;
  sealed: string;
  created: string;
}

const NONCE = 12;
const TAG = 16;
/** Bytes AES-GCM adds to every sealed object (nonce + tag). */
export const SEAL_OVERHEAD = NONCE + TAG;

/** scrypt N=2^15, r=8: 32 MiB of memory and ~0.1 s per attempt — memory-hard, not annoying. */
const KDF = { N: 2 ** 15, r: 8, p: 1 };

/** The id of a blob: HMAC-SHA256 under idKey when encrypted, plain SHA-256 otherwise. */
export function blobId(data: Uint8Array, idKey: Buffer | null): Buffer {
  return idKey ? createHmac('sha256', idKey).update(data).digest() : createHash('sha256').update(data).digest();
}

export function sha256(data: BinaryLike): Buffer {
  return createHash('sha256').update(data).digest();
}

/** nonce | ciphertext | tag. Identity when `key` is null (unencrypted vault). */
export function seal(key: Buffer | null, plaintext: Uint8Array): Buffer {
  if (!key) return Buffer.from(plaintext.buffer, plaintext.byteOffset, plaintext.byteLength);
  const nonce = randomBytes(NONCE);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  const body = cipher.update(plaintext);
  const rest = cipher.final();
  const out = Buffer.allocUnsafeSlow(NONCE + body.length + rest.length + TAG);
  nonce.copy(out, 0);
  body.copy(out, NONCE);
  rest.copy(out, NONCE + body.length);
  cipher.getAuthTag().copy(out, NONCE + body.length + rest.length);
  return out;
}

/**
 * Opens a sealed object. Throws ERR_VAULT_CORRUPT naming `what` when authentication fails:
 * with the right key (checked when the key file was opened) that can only be damage.
 */
export function unseal(key: Buffer | null, sealed: Uint8Array, what: string): Buffer {
  const data = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  if (!key) return data;
  if (data.length < SEAL_OVERHEAD) throw corrupt(what, 'too short to be an encrypted object');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, NONCE));
    decipher.setAuthTag(data.subarray(data.length - TAG));
    const body = decipher.update(data.subarray(NONCE, data.length - TAG));
    const rest = decipher.final();
    return rest.length === 0 ? body : Buffer.concat([body, rest]);
  } catch {
    throw corrupt(what, 'authentication failed (the data was altered or damaged)');
  }
}

export function corrupt(what: string, why: string): VigilError {
  return new VigilError('ERR_VAULT_CORRUPT', `${what}: ${why}`, {
    hint: 'Run `vigil verify SET --read-data`: it lists the damaged files and sets the damaged data aside, so the next backup stores files that still exist afresh; restore the others from another copy. `vigil repair SET` rebuilds the index from the intact data.',
  });
}

function deriveKey(passphrase: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(passphrase.normalize('NFC'), salt, 32, { ...params, maxmem: 256 * params.N * params.r + 16 * 1024 * 1024 }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/** New random keys, sealed under a key derived from `passphrase`. */
export async function createKeyFile(vaultId: string, passphrase: string, now: Date): Promise<{ file: KeyFile; keys: VaultKeys }> {
  const keys: VaultKeys = { encKey: randomBytes(32), idKey: randomBytes(32), chunkerSeed: randomBytes(32) };
  const salt = randomBytes(32);
  const kek = await deriveKey(passphrase, salt, KDF);
  const payload = Buffer.from(
    JSON.stringify({ encKey: keys.encKey!.toString('base64'), idKey: keys.idKey!.toString('base64'), chunkerSeed: keys.chunkerSeed.toString('base64') }),
  );
  const file: KeyFile = { vault: vaultId, kdf: 'scrypt', ...KDF, salt: salt.toString('base64'), sealed: seal(kek, payload).toString('base64'), created: now.toISOString() };
  return { file, keys };
}

/** Returns the keys, or null when `passphrase` does not open this key file. */
export async function openKeyFile(file: KeyFile, passphrase: string): Promise<VaultKeys | null> {
  const kek = await deriveKey(passphrase, Buffer.from(file.salt, 'base64'), { N: file.N, r: file.r, p: file.p });
  let payload: Buffer;
  try {
    payload = unseal(kek, Buffer.from(file.sealed, 'base64'), 'key file');
  } catch {
    return null;
  }
  const parsed = JSON.parse(payload.toString('utf8')) as Record<string, string>;
  return {
    encKey: Buffer.from(parsed.encKey!, 'base64'),
    idKey: Buffer.from(parsed.idKey!, 'base64'),
    chunkerSeed: Buffer.from(parsed.chunkerSeed!, 'base64'),
  };
}
