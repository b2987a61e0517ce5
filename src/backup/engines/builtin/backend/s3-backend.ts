import { createHash } from 'node:crypto';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, type S3ServiceException } from '@aws-sdk/client-s3';
import { VigilError } from '../../../../domain/errors.js';
import { s3Location, type S3Target } from '../settings.js';
import { backendError, type BackendGuarantees, type VaultBackend, type VaultObjectInfo } from './vault-backend.js';
import { MULTIPART_THRESHOLD, PART_SIZE, putMultipart } from './s3-multipart.js';

/** A call moving data may take its timeout plus this long per byte (a floor of 256 KiB/s). */
const MIN_RATE_BYTES_PER_MS = 256;

/**
 * A vault in an S3-compatible bucket (AWS, Backblaze B2, Wasabi, MinIO), objects under `prefix/`.
 * A PUT is atomic by nature (an object is there whole or not at all) and S3 lists what was written
 * at once (strong consistency); directories are key prefixes. Every PUT carries Content-MD5, which
 * the server checks; every read of a content-addressed object is checked against its SHA-256 name
 * by the vault (vault.ts), so a damaged download is never used. An exclusive write sends
 * `If-None-Match: *` (AWS and MinIO refuse an existing key atomically) after a HEAD (servers that
 * ignore the header): only `config` is written that way.
 *
 * Objects over a threshold (64 MiB) go up as a multipart upload (s3-multipart.ts), aborted on failure.
 *
 * Errors: refused credentials ERR_VAULT_AUTH, a missing bucket or an unreachable endpoint
 * ERR_VAULT_UNREACHABLE, a quota refusal ENOSPC. The SDK retries throttling and 5xx answers with
 * backoff (maxAttempts 4); each call has a deadline on top. The secret key is only in the client.
 */
export class S3Backend implements VaultBackend {
  readonly guarantees: BackendGuarantees = { exclusiveCreate: 'check-then-write' };
  readonly location: string;
  private client: S3Client | undefined;

  constructor(private readonly target: S3Target) {
    this.location = s3Location(target);
  }

  async list(dir: string): Promise<{ files: VaultObjectInfo[]; dirs: string[] }> {
    const prefix = this.key(dir) === '' ? '' : `${this.key(dir)}/`;
    const files: VaultObjectInfo[] = [];
    const dirs: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.send(`listing ${dir || '/'}`, 0, (client, signal) =>
        client.send(new ListObjectsV2Command({ Bucket: this.target.bucket, Prefix: prefix, Delimiter: '/', ...(token ? { ContinuationToken: token } : {}) }), { abortSignal: signal }),
      );
      for (const object of page.Contents ?? []) if (object.Key) files.push({ name: object.Key.slice(prefix.length), size: object.Size ?? 0 });
      for (const common of page.CommonPrefixes ?? []) if (common.Prefix) dirs.push(common.Prefix.slice(prefix.length).replace(/\/$/, ''));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return { files, dirs };
  }

  async stat(name: string): Promise<VaultObjectInfo | undefined> {
    try {
      const head = await this.send(`looking up ${name}`, 0, (client, signal) => client.send(new HeadObjectCommand({ Bucket: this.target.bucket, Key: this.key(name) }), { abortSignal: signal }));
      return { name, size: head.ContentLength ?? 0 };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async read(name: string, range?: { offset: number; length: number }): Promise<Buffer> {
    if (range?.length === 0) return Buffer.alloc(0);
    try {
      const got = await this.send(`reading ${name}`, range?.length ?? 8 * 1024 * 1024, async (client, signal) => {
        const answer = await client.send(new GetObjectCommand({ Bucket: this.target.bucket, Key: this.key(name), ...(range ? { Range: `bytes=${range.offset}-${range.offset + range.length - 1}` } : {}) }), { abortSignal: signal });
        return Buffer.from((await answer.Body?.transformToByteArray()) ?? new Uint8Array());
      });
      return range && got.length > range.length ? got.subarray(0, range.length) : got;
    } catch (error) {
      // A range that starts past the end: nothing there (the caller calls a short read damage).
      if ((error as { name?: string }).name === 'InvalidRange' || (error as S3ServiceException).$metadata?.httpStatusCode === 416) return Buffer.alloc(0);
      throw error;
    }
  }

  async write(name: string, data: Buffer, options: { exclusive?: boolean } = {}): Promise<void> {
    if (options.exclusive && (await this.stat(name))) throw backendError('EEXIST', `${this.location}/${name} exists already`);
    // Exclusive writes (the vault's config) are small: never in parts, so If-None-Match applies.
    if (!options.exclusive && data.length > (this.target.multipartThreshold ?? MULTIPART_THRESHOLD)) {
      return putMultipart((doing, bytes, op) => this.send(doing, bytes, op), this.target.bucket, this.key(name), name, data, this.target.partSize ?? PART_SIZE);
    }
    const md5 = createHash('md5').update(data).digest('base64');
    try {
      await this.send(`writing ${name}`, data.length, (client, signal) =>
        client.send(new PutObjectCommand({ Bucket: this.target.bucket, Key: this.key(name), Body: data, ContentLength: data.length, ContentMD5: md5, ...(options.exclusive ? { IfNoneMatch: '*' } : {}) }), { abortSignal: signal }),
      );
    } catch (error) {
      if ((error as { code?: string }).code === 'EEXIST_PRECONDITION') throw backendError('EEXIST', `${this.location}/${name} exists already`, error);
      throw error;
    }
  }

  async delete(name: string): Promise<void> {
    await this.send(`deleting ${name}`, 0, (client, signal) => client.send(new DeleteObjectCommand({ Bucket: this.target.bucket, Key: this.key(name) }), { abortSignal: signal }));
  }

  async sync(): Promise<void> {
    // The server acknowledged each PUT after storing it.
  }

  async prepare(): Promise<void> {
    // An object store has no directories. A missing bucket shows at the first listing.
  }

  async close(): Promise<void> {
    this.client?.destroy();
    this.client = undefined;
  }

  private key(name: string): string {
    return [this.target.prefix, name].filter(Boolean).join('/');
  }

  private s3(): S3Client {
    this.client ??= new S3Client({
      endpoint: this.target.endpoint,
      region: this.target.region,
      forcePathStyle: this.target.pathStyle,
      credentials: { accessKeyId: this.target.accessKeyId, secretAccessKey: this.target.secretAccessKey },
      maxAttempts: 4,
      // Content-MD5 is sent explicitly; the newer default (CRC32 trailers in aws-chunked bodies)
      // is not understood by every S3-compatible server.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    return this.client;
  }

  /** One SDK call with a deadline: the timeout plus time to move `bytes` at 256 KiB/s. */
  private async send<T>(doing: string, bytes: number, op: (client: S3Client, signal: AbortSignal) => Promise<T>): Promise<T> {
    const limitMs = this.target.timeoutMs + Math.ceil(bytes / MIN_RATE_BYTES_PER_MS);
    const signal = AbortSignal.timeout(limitMs);
    try {
      return await op(this.s3(), signal);
    } catch (error) {
      throw this.classify(error, doing, signal.aborted ? limitMs : undefined);
    }
  }

  private classify(error: unknown, doing: string, timedOutAfterMs: number | undefined): Error {
    const where = `S3 vault ${this.location}`;
    if (timedOutAfterMs !== undefined) return unreachable(`${where}: no answer within ${Math.round(timedOutAfterMs / 1000)} s while ${doing}`, error);
    const s3 = error as S3ServiceException & { code?: string };
    const status = s3.$metadata?.httpStatusCode;
    const name = s3.name ?? '';
    if (name === 'NotFound' || name === 'NoSuchKey' || (status === 404 && name !== 'NoSuchBucket')) return backendError('ENOENT', `${where}: ${doing}: no such object`, error);
    if (name === 'NoSuchBucket') return unreachable(`${where}: the bucket ${this.target.bucket} does not exist`, error, 'Create the bucket (or correct the url), then run again.');
    if (name === 'PreconditionFailed' || status === 412) return Object.assign(new Error('exists'), { code: 'EEXIST_PRECONDITION' });
    if (['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'InvalidToken', 'ExpiredToken', 'AllAccessDisabled'].includes(name) || status === 403 || status === 401) {
      return new VigilError('ERR_VAULT_AUTH', `${where} refused access while ${doing} (${name || status})`, {
        cause: error,
        hint: 'Check accessKeyId/secretAccessKey and that the key\'s policy allows s3:ListBucket on the bucket and s3:GetObject, s3:PutObject, s3:DeleteObject under the prefix (docs/vaults.md).',
      });
    }
    if (/quota|storagefull|storage cap/i.test(`${name} ${s3.message ?? ''}`)) return backendError('ENOSPC', `${where}: ${doing}: ${name} (${s3.message ?? ''})`, error);
    if (status === undefined) return unreachable(`${where}: cannot reach ${this.target.endpoint} while ${doing} (${s3.code ?? name ?? (error as Error).message})`, error);
    return backendError('EIO', `${where}: ${doing}: ${name || status} (${s3.message ?? ''})`, error);
  }
}

function unreachable(message: string, cause: unknown, hint = 'Check that the endpoint is reachable from this host, then run again; packs already stored are not sent again.'): VigilError {
  return new VigilError('ERR_VAULT_UNREACHABLE', message, { cause, hint });
}
