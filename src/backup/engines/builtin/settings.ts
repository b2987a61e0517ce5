import path from 'node:path';
import { readSecret } from '../../../config/secrets.js';
import type { EngineSetContext } from '../../engine.js';
import type { BuiltinSetConfig } from './config.js';
import type { KeepPolicy } from './retention.js';

/** The keys of a builtin set that reading and writing its vault needs (the library API takes no more). */
export type BuiltinVaultConfig = Pick<BuiltinSetConfig, 'paths'> & Partial<Pick<BuiltinSetConfig, 'exclude' | 'vault' | 'passphrase' | 'keep'>>;

/** A builtin set's settings, resolved: absolute paths, the passphrase read from its secret. */
export interface BuiltinSettings {
  set: string;
  paths: string[];
  exclude: string[];
  vault: string;
  passphrase: string | undefined;
  keep: KeepPolicy | undefined;
}

/**
 * Reads a builtin set's configuration. The vault defaults to `<dataDir>/vault` (shared by every
 * builtin set: data is deduplicated across sets); a relative vault path is relative to dataDir.
 * Throws ERR_SECRET_UNREADABLE when the passphrase secret cannot be read.
 */
export function resolveSettings(context: EngineSetContext<BuiltinVaultConfig>, env: NodeJS.ProcessEnv = process.env): BuiltinSettings {
  const { config } = context;
  return {
    set: context.name,
    paths: config.paths.map((p) => path.resolve(context.dataDir, p)),
    exclude: config.exclude ?? [],
    vault: path.resolve(context.dataDir, config.vault ?? 'vault'),
    passphrase: config.passphrase ? readSecret(config.passphrase, `sets.${context.name}.passphrase`, env) : undefined,
    keep: config.keep,
  };
}
