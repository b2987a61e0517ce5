import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import type { S3Target } from '../../src/backup/engines/builtin/settings.js';

/**
 * A local S3-compatible server (s3rver, objects in a temporary directory) on an ephemeral loopback
 * port, the peer of the S3 vault tests. Credentials are s3rver's fixed S3RVER/S3RVER.
 *
 * What s3rver does NOT emulate (recorded for docs/vaults.md): conditional writes (If-None-Match
 * on PUT is ignored, so an exclusive create is check-then-write here), the newer flexible
 * checksums (x-amz-checksum-*, aws-chunked trailers), quotas and a full disk (no QuotaExceeded),
 * bucket policies and IAM (any signature of the one account passes), throttling (503 SlowDown),
 * versioning and object lock, and eventual-consistency windows (it is strongly consistent).
 */
export class S3Peer {
  readonly dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-s3-'));
  readonly bucket = 'vault';
  port = 0;
  private server: S3rver | undefined;

  async start(): Promise<void> {
    this.server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: this.dir, configureBuckets: [{ name: this.bucket, configs: [] }] });
    this.port = (await this.server.run()).port;
  }

  target(prefix: string, overrides: Partial<S3Target> = {}): S3Target {
    return { endpoint: `http://127.0.0.1:${this.port}`, bucket: this.bucket, prefix, region: 'us-east-1', pathStyle: true, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', timeoutMs: 20_000, ...overrides };
  }

  async cleanup(): Promise<void> {
    await this.server?.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
