import path from 'node:path';
import { parseVaultUrl } from '../domain/vault-url.js';
import type { VaultEntryConfig } from './schema/index.js';

/**
 * The directory on this machine a builtin set's vault is in, or undefined when it is offsite
 * (sftp://, s3://). A set's `vault:` naming an entry of `vaults:` carries it as `vaultTarget`
 * (schema/index.ts); otherwise it is a path, relative to dataDir, default `<dataDir>/vault`.
 */
export function localVaultPath(dataDir: string, set: { vault?: string | undefined }): string | undefined {
  const entry = (set as { vaultTarget?: VaultEntryConfig }).vaultTarget;
  if (!entry) return path.resolve(dataDir, set.vault ?? 'vault');
  const url = parseVaultUrl(entry.url);
  return typeof url !== 'string' && url.kind === 'local' ? path.resolve(dataDir, url.path) : undefined;
}
