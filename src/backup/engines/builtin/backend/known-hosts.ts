import { createHash, createHmac } from 'node:crypto';

/**
 * OpenSSH known_hosts, read the way `ssh` reads it, for the SFTP backend's host key check: plain
 * and hashed (`|1|salt|hash`) host names, `[host]:port` for a port other than 22, comma-separated
 * name lists, negated (`!name`) and `*`/`?` patterns, `@revoked` keys. `@cert-authority` lines
 * are skipped (host certificates are not supported: such a host is "not listed").
 */
export interface KnownHostKey {
  type: string;
  key: Buffer;
  revoked: boolean;
}

/** The keys `text` lists for `host` on `port`. */
export function knownKeysFor(text: string, host: string, port: number): KnownHostKey[] {
  const names = port === 22 ? [host] : [`[${host}]:${port}`];
  const found: KnownHostKey[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    let marker: string | undefined;
    if (fields[0]?.startsWith('@')) marker = fields.shift();
    if (marker === '@cert-authority') continue;
    const [hosts, type, base64] = fields;
    if (!hosts || !type || !base64) continue;
    if (!hostsMatch(hosts, names)) continue;
    found.push({ type, key: Buffer.from(base64, 'base64'), revoked: marker === '@revoked' });
  }
  return found;
}

function hostsMatch(field: string, names: readonly string[]): boolean {
  if (field.startsWith('|1|')) {
    const [, , salt, hash] = field.split('|');
    if (!salt || !hash) return false;
    return names.some((name) => createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash);
  }
  let matched = false;
  for (const pattern of field.split(',')) {
    const negated = pattern.startsWith('!');
    const body = negated ? pattern.slice(1) : pattern;
    if (!names.some((name) => globMatch(body.toLowerCase(), name.toLowerCase()))) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

function globMatch(pattern: string, name: string): boolean {
  const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return regex.test(name);
}

/** `SHA256:…` as `ssh-keygen -lf` prints it. */
export function fingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** The key type inside an SSH public key blob (its first string). */
export function keyType(key: Buffer): string {
  if (key.length < 4) return 'unknown';
  const length = key.readUInt32BE(0);
  return key.subarray(4, 4 + length).toString('latin1');
}

/** ssh2 host key algorithms that a known_hosts key type allows, so the server offers that key first. */
export function hostKeyAlgorithms(types: readonly string[]): string[] {
  const out = new Set<string>();
  for (const type of types) {
    if (type === 'ssh-rsa') ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'].forEach((alg) => out.add(alg));
    else out.add(type);
  }
  return [...out];
}
