/**
 * Large response bodies (`/metrics` of 1,000 sets is ~570 KB, `/api/v1/sets` ~850 KB, the
 * Overview ~135 KB) sent as a stream of small Buffers instead of one string or Buffer.
 *
 * Why: glibc serves an allocation of 128 KiB or more with its own mmap, and when such a block is
 * freed it raises its mmap threshold to that size — from then on every buffer up to it is carved
 * from the heap, and freed heap memory mostly stays in the process. One big body (its UTF-8
 * encoding for the socket, a `Buffer.concat`) per request was enough to leave several MB in the
 * service's RSS for good. Chunks of at most 48 KiB stay under the threshold, are reused, and are
 * what the socket writes anyway.
 */

/** UTF-16 code units per chunk: at most 3 UTF-8 bytes each (a surrogate pair is 4 for 2), so a chunk stays under 48 KiB. */
export const CHUNK_CHARS = 16_384;

/** The text as UTF-8, in chunks of at most CHUNK_CHARS characters, cut after a newline where there is one (never inside a surrogate pair). */
export function encodeInChunks(text: string): Buffer[] {
  const chunks: Buffer[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + CHUNK_CHARS);
    if (end < text.length) {
      const newline = text.lastIndexOf('\n', end - 1);
      if (newline > start) end = newline + 1;
      else if (isHighSurrogate(text.charCodeAt(end - 1))) end--;
    }
    chunks.push(Buffer.from(text.slice(start, end), 'utf8'));
    start = end;
  }
  return chunks;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** A response whose body is these chunks, written one after the other, with its Content-Length. */
export function chunkedResponse(chunks: readonly Uint8Array[], status: number, headers: Record<string, string>): Response {
  let next = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks[next++];
      if (chunk) controller.enqueue(chunk);
      else controller.close();
    },
  });
  const length = chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0);
  return new Response(body, { status, headers: { ...headers, 'content-length': String(length) } });
}
