import { readFileSync } from 'node:fs';
import { VigilError } from '../domain/errors.js';
import type { SecretRef } from './schema/index.js';

/**
 * Reads a secret given as `{ env }` or `{ file }`. The value is returned to the caller and
 * registered with the redactor; it is never part of an error message.
 */
export function readSecret(ref: SecretRef, keyPath: string, env: NodeJS.ProcessEnv = process.env): string {
  if ('env' in ref) {
    const value = env[ref.env];
    if (value === undefined || value === '') {
      throw new VigilError('ERR_SECRET_UNREADABLE', `${keyPath}: environment variable ${ref.env} is not set`, {
        hint: `Set ${ref.env} in the environment of the service (e.g. EnvironmentFile= in the systemd unit).`,
      });
    }
    return value;
  }
  try {
    // A trailing newline is an editor's, not part of the password.
    return readFileSync(ref.file, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new VigilError('ERR_SECRET_UNREADABLE', `${keyPath}: cannot read secret file ${ref.file} (${code})`, {
      hint: 'Check that the file exists and that the account the service runs as can read it (chmod 600, owned by that account).',
    });
  }
}
