import { S3Backend } from '../../src/backup/engines/builtin/backend/s3-backend.js';
import { S3Peer } from '../helpers/s3-peer.js';
import { vaultBackendSuite } from './vault-backend.suite.js';

vaultBackendSuite('S3 (s3rver on loopback)', async () => {
  const s3 = new S3Peer();
  await s3.start();
  const target = s3.target(`fs01-${Date.now()}`);
  return {
    backend: new S3Backend(target),
    other: async () => new S3Backend(target),
    cleanup: () => s3.cleanup(),
  };
});

// The same guarantees when objects go up as multipart uploads (s3-multipart.ts): every object over
// 64 KiB in 256 KiB parts.
vaultBackendSuite('S3 multipart (s3rver on loopback, 64 KiB threshold)', async () => {
  const s3 = new S3Peer();
  await s3.start();
  const target = s3.target(`fs01-mp-${Date.now()}`, { multipartThreshold: 64 * 1024, partSize: 256 * 1024 });
  return {
    backend: new S3Backend(target),
    other: async () => new S3Backend(target),
    cleanup: () => s3.cleanup(),
  };
});
