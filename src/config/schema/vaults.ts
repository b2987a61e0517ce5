import { z } from 'zod';
import { parseVaultUrl } from '../../domain/vault-url.js';
import { byteRate, duration, secretRef } from './common.js';
import { expecting } from '../issue-message.js';

/**
 * `vaults.<name>`: where builtin sets store data, named once and referenced by a set's `vault:`
 * (docs/vaults.md). Secrets are { env } / { file } references, read only when the vault is opened.
 */
export const vaultEntry = z
  .strictObject({
    /** A path, sftp://user@host:port/abs/path, s3://endpoint/bucket/prefix (s3+http:// for plain HTTP). */
    url: z.string().min(1),
    /** SFTP: the private key (unencrypted), and the known_hosts file the server's key must be in. */
    identityFile: z.string().min(1).optional(),
    knownHosts: z.string().min(1).optional(),
    /** S3 credentials and region. */
    accessKeyId: secretRef.optional(),
    secretAccessKey: secretRef.optional(),
    region: z.string().min(1).optional(),
    /** S3: bucket in the path (https://endpoint/bucket) rather than the host name; MinIO and most local servers need it. */
    pathStyle: z.boolean().optional(),
    /** Deadline of a connection and of each call that moves little data. */
    timeout: duration('60s'),
    /** Upper bound of the upload rate (`20MiB/s`), over all uploads of a run together. */
    limitUpload: byteRate.optional(),
    /** How many uploads (pack writes) may be in flight at once. */
    connections: z.number({ error: expecting('a whole number of connections, 1 to 32') }).int().min(1).max(32).default(4),
  })
  .superRefine((vault, ctx) => {
    const url = parseVaultUrl(vault.url);
    if (typeof url === 'string') return ctx.addIssue({ code: 'custom', path: ['url'], message: url });
    const needs = (key: keyof typeof vault, why: string) => {
      if (vault[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: why });
    };
    if (url.kind === 'sftp') {
      needs('identityFile', 'an sftp vault needs identityFile: the private key Vigil logs in with, e.g. /etc/vigil/id_ed25519');
      needs('knownHosts', 'an sftp vault needs knownHosts: a known_hosts file listing the server\'s key (ssh-keyscan -p PORT HOST > /etc/vigil/known_hosts, then check the fingerprint); Vigil never trusts a host key on first use');
    }
    if (url.kind === 's3') {
      needs('accessKeyId', 'an s3 vault needs accessKeyId: { env: AWS_ACCESS_KEY_ID } (or { file: PATH })');
      needs('secretAccessKey', 'an s3 vault needs secretAccessKey: { env: AWS_SECRET_ACCESS_KEY } (or { file: PATH })');
    }
    if (url.kind !== 'sftp') for (const key of ['identityFile', 'knownHosts'] as const) if (vault[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: `${key} is for sftp:// vaults only` });
    if (url.kind !== 's3') for (const key of ['accessKeyId', 'secretAccessKey', 'region', 'pathStyle'] as const) if (vault[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: `${key} is for s3:// vaults only` });
  });

export type VaultEntryConfig = z.output<typeof vaultEntry>;

export const vaults = z.record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, { error: 'vault names use letters, digits, "-", "_" and "."' }), vaultEntry).default({});
