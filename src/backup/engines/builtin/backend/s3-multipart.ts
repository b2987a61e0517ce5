import { createHash } from 'node:crypto';
import { AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateMultipartUploadCommand, UploadPartCommand, type S3Client } from '@aws-sdk/client-s3';

/** Objects larger than this go up in parts (S3 takes at most 5 GiB in one PUT). */
export const MULTIPART_THRESHOLD = 64 * 1024 * 1024;
/** Size of each part but the last (S3's minimum is 5 MiB). */
export const PART_SIZE = 16 * 1024 * 1024;
/** Parts in flight at once. */
const PARTS_IN_FLIGHT = 3;

/** One SDK call with its deadline and error classification (S3Backend.send). */
export type S3Send = <T>(doing: string, bytes: number, op: (client: S3Client, signal: AbortSignal) => Promise<T>) => Promise<T>;

/**
 * Uploads `data` as a multipart upload: create, the parts (each with its Content-MD5, checked by
 * the server; PARTS_IN_FLIGHT at once), complete. The object appears only at completion, whole —
 * the same all-or-nothing as a single PUT. On any failure the upload is aborted (best effort, so
 * the server frees the parts; a bucket lifecycle rule "abort incomplete multipart uploads after
 * N days" catches the rest) and the error is rethrown.
 */
export async function putMultipart(send: S3Send, bucket: string, key: string, name: string, data: Buffer, partSize = PART_SIZE): Promise<void> {
  const created = await send(`starting the upload of ${name}`, 0, (client, signal) => client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }), { abortSignal: signal }));
  const uploadId = created.UploadId;
  if (!uploadId) throw new Error(`the server gave no UploadId for ${name}`);
  try {
    const count = Math.ceil(data.length / partSize);
    const etags: string[] = new Array<string>(count);
    let next = 0;
    const lane = async () => {
      while (next < count) {
        const n = next++;
        const body = data.subarray(n * partSize, Math.min(data.length, (n + 1) * partSize));
        const md5 = createHash('md5').update(body).digest('base64');
        const part = await send(`uploading part ${n + 1} of ${count} of ${name}`, body.length, (client, signal) =>
          client.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: n + 1, Body: body, ContentLength: body.length, ContentMD5: md5 }), { abortSignal: signal }),
        );
        if (!part.ETag) throw new Error(`the server gave no ETag for part ${n + 1} of ${name}`);
        etags[n] = part.ETag;
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARTS_IN_FLIGHT, count) }, lane));
    await send(`completing the upload of ${name}`, 0, (client, signal) =>
      client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: etags.map((ETag, n) => ({ ETag, PartNumber: n + 1 })) } }), { abortSignal: signal }),
    );
  } catch (error) {
    await send(`aborting the upload of ${name}`, 0, (client, signal) => client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }), { abortSignal: signal })).catch(() => undefined);
    throw error;
  }
}
