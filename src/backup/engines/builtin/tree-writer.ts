import { BLOB_TYPE, encodeBlob } from './codec.js';
import { Chunker, gearTable, TREE_CHUNKER } from './chunker.js';
import { blobId } from './crypto.js';
import { serializeEntry, type TreeEntry } from './snapshot.js';
import type { BlobIndex } from './blob-index.js';
import type { PackWriter } from './pack-writer.js';
import type { VaultKeys } from './crypto.js';

/**
 * Stores a snapshot's tree as chunked, deduplicated blobs: the NDJSON stream of entries is cut by
 * the content-defined chunker, so an unchanged part of the tree costs nothing in the next snapshot.
 * Returns the tree blob ids in order.
 */
export function storeTree(entries: readonly TreeEntry[], keys: VaultKeys, index: BlobIndex, writer: PackWriter): { ids: string[]; bytesNew: number } {
  const text = Buffer.from(entries.map(serializeEntry).join(''), 'utf8');
  const chunker = new Chunker(gearTable(keys.chunkerSeed), TREE_CHUNKER);
  const ids: string[] = [];
  let bytesNew = 0;
  let start = 0;
  while (start < text.length) {
    const cut = chunker.next(text, start);
    const end = cut < 0 ? text.length : cut;
    const chunk = text.subarray(start, end);
    const id = blobId(chunk, keys.idKey).toString('hex');
    if (!index.has(id) && !writer.has(id)) {
      const encoded = encodeBlob(chunk, keys.encKey);
      writer.add(id, BLOB_TYPE.tree, encoded.comp, chunk.length, encoded.payload);
      bytesNew += encoded.payload.length;
    }
    ids.push(id);
    chunker.reset();
    start = end;
  }
  return { ids, bytesNew };
}
