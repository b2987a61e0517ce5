import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CHUNK_CHARS, chunkedResponse, encodeInChunks } from '../../src/console/chunked-body.js';

// Large bodies go out in chunks under glibc's first mmap threshold (128 KiB), so no response
// leaves it raised (chunked-body.ts); the bytes must be exactly the text's UTF-8.
test('a large text is encoded in chunks under 48 KiB that decode one by one and join to its UTF-8', async () => {
  // Lines of ASCII, of three-byte characters and of surrogate pairs (four bytes for two), and one line longer than a chunk.
  const lines: string[] = [];
  for (let i = 0; i < 20_000; i++) lines.push(i % 3 === 0 ? `vigil_set_running{set="set-${i}",host="h"} 0` : i % 3 === 1 ? `set “${i}” ✓✓✓✓` : `🗄️ backup ${i} 🗄️`);
  lines.push('€'.repeat(CHUNK_CHARS * 2 + 7), `x${'😀'.repeat(CHUNK_CHARS)}`);
  const text = lines.join('\n');
  const chunks = encodeInChunks(text);
  assert.ok(chunks.length > 10);
  for (const chunk of chunks) {
    assert.ok(chunk.length <= 48 * 1024, `${chunk.length} bytes`);
    // A chunk cut inside a character (or a surrogate pair) would not survive a decode of its own.
    assert.equal(Buffer.from(chunk.toString('utf8'), 'utf8').equals(chunk), true);
  }
  assert.ok(Buffer.concat(chunks).equals(Buffer.from(text, 'utf8')));
  assert.deepEqual(encodeInChunks(''), []);

  const res = chunkedResponse(chunks, 200, { 'content-type': 'text/plain' });
  assert.equal(res.headers.get('content-length'), String(Buffer.byteLength(text)));
  assert.equal(await res.text(), text);
});
