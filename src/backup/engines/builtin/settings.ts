import path from 'node:path';
import { readSecret } from '../../../config/secrets.js';
import { parseVaultUrl } from '../../../domain/vault-url.js';
import { sftpLocation, type SftpTarget } from './backend/sftp-session.js';
import type { UploadLimits } from './backend/throttled-backend.js';
import type { VaultEntryConfig } from '../../../config/schema/index.js';
import type { EngineSetContext } from '../../engine.js';
import type { BuiltinSetConfig } from './config.js';
import type { KeepPolicy } from './retention.js';

/**
 * The keys of a builtin set that reading and writing its vault needs (the library API takes no
 * more); `vaultTarget` is the `vaults:` entry its `vault:` names (config/schema/index.ts).
 */
export type BuiltinVaultConfig = Pick<BuiltinSetConfig, 'paths'> & Partial<Pick<BuiltinSetConfig, 'exclude' | 'vault' | 'passphrase' | 'keep'>> & { vaultTarget?: VaultEntryConfig };

/** Where a set's vault is, resolved (secrets read); `uploads` when it is an entry of `vaults:`. */
export type VaultTarget = ({ kind: 'local'; path: string } | { kind: 'sftp'; sftp: SftpTarget } | { kind: 's3'; s3: S3Target }) & { uploads?: UploadLimits };

export interface S3Target {
  endpoint: string;
  bucket: string;
  prefix: string;
  region: string;
  pathStyle: boolean;
  accessKeyId: string;
  secretAccessKey: string;
  timeoutMs: number;
  /** Objects larger than this (bytes) are uploaded in parts of `partSize`; defaults in s3-multipart.ts. */
  multipartThreshold?: number;
  partSize?: number;
}

/** A builtin set's settings, resolved: absolute paths, the passphrase read from its secret. */
export interface BuiltinSettings {
  set: string;
  paths: string[];
  exclude: string[];
  /** The vault's location for messages: a directory, or a URL without credentials. */
  vault: string;
  target: VaultTarget;
  passphrase: string | undefined;
  keep: KeepPolicy | undefined;
}

/**
 * Reads a builtin set's configuration. The vault defaults to `<dataDir>/vault` (shared by every
 * builtin set: data is deduplicated across sets); a relative vault path is relative to dataDir.
 * A set whose `vault:` names an entry of `vaults:` gets it as `vaultTarget` (config/schema/index.ts).
 * Throws ERR_SECRET_UNREADABLE when the passphrase or an S3 key cannot be read.
 */
export function resolveSettings(context: EngineSetContext<BuiltinVaultConfig>, env: NodeJS.ProcessEnv = process.env): BuiltinSettings {
  const { config } = context;
  const target = resolveTarget(context, config.vaultTarget, config.vault, env);
  return {
    set: context.name,
    paths: config.paths.map((p) => path.resolve(context.dataDir, p)),
    exclude: config.exclude ?? [],
    vault: target.kind === 'local' ? target.path : target.kind === 'sftp' ? sftpLocation(target.sftp) : s3Location(target.s3),
    target,
    passphrase: config.passphrase ? readSecret(config.passphrase, `sets.${context.name}.passphrase`, env) : undefined,
    keep: config.keep,
  };
}

function resolveTarget(context: Pick<EngineSetContext, 'dataDir'>, entry: VaultEntryConfig | undefined, vault: string | undefined, env: NodeJS.ProcessEnv): VaultTarget {
  if (!entry) return { kind: 'local', path: path.resolve(context.dataDir, vault ?? 'vault') };
  // Entries written before `connections` existed (tests build them by hand) get its default.
  return { ...resolveWhere(context, entry, vault, env), uploads: { connections: entry.connections ?? 4, ...(entry.limitUpload ? { bytesPerSecond: entry.limitUpload } : {}) } };
}

function resolveWhere(context: Pick<EngineSetContext, 'dataDir'>, entry: VaultEntryConfig, vault: string | undefined, env: NodeJS.ProcessEnv): VaultTarget {
  const url = parseVaultUrl(entry.url);
  const key = `vaults.${vault ?? '?'}`;
  // The schema checked the url and the keys each kind needs; a failure here is a bug, said plainly.
  if (typeof url === 'string') throw new Error(`${key}.url: ${url}`);
  if (url.kind === 'local') return { kind: 'local', path: path.resolve(context.dataDir, url.path) };
  if (url.kind === 'sftp') {
    return { kind: 'sftp', sftp: { host: url.host, port: url.port, username: url.username, path: url.path, identityFile: path.resolve(context.dataDir, entry.identityFile ?? ''), knownHosts: path.resolve(context.dataDir, entry.knownHosts ?? ''), timeoutMs: entry.timeout } };
  }
  return {
    kind: 's3',
    s3: {
      endpoint: url.endpoint,
      bucket: url.bucket,
      prefix: url.prefix,
      region: entry.region ?? 'us-east-1',
      pathStyle: entry.pathStyle ?? false,
      accessKeyId: readSecret(entry.accessKeyId!, `${key}.accessKeyId`, env),
      secretAccessKey: readSecret(entry.secretAccessKey!, `${key}.secretAccessKey`, env),
      timeoutMs: entry.timeout,
    },
  };
}

/** `s3://host/bucket/prefix` without credentials. */
export function s3Location(target: Pick<S3Target, 'endpoint' | 'bucket' | 'prefix'>): string {
  const host = target.endpoint.replace(/^https?:\/\//, '');
  const scheme = target.endpoint.startsWith('http://') ? 's3+http' : 's3';
  return `${scheme}://${host}/${target.bucket}${target.prefix ? `/${target.prefix}` : ''}`;
}
