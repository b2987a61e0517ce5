import { LocalBackend } from './local-backend.js';
import { S3Backend } from './s3-backend.js';
import { SftpBackend } from './sftp-backend.js';
import { ThrottledBackend } from './throttled-backend.js';
import type { VaultTarget } from '../settings.js';
import type { VaultBackend } from './vault-backend.js';

/**
 * The backend for a set's resolved vault target: the one place that picks an implementation, and
 * bounds its uploads when the vault's entry says so (`connections`, `limitUpload`).
 */
export function openBackend(target: VaultTarget): VaultBackend {
  const backend = pick(target);
  return target.uploads ? new ThrottledBackend(backend, target.uploads) : backend;
}

function pick(target: VaultTarget): VaultBackend {
  switch (target.kind) {
    case 'local':
      return new LocalBackend(target.path);
    case 'sftp':
      return new SftpBackend(target.sftp, target.uploads?.connections);
    case 's3':
      return new S3Backend(target.s3);
  }
}
