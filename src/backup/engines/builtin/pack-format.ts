import { corrupt, seal, unseal } from './crypto.js';
import type { BlobType, Compression } from './codec.js';

/**
 * Pack file layout (data/<first two hex>/<sha256 of the whole file>):
 *
 *   blob payload 0 | blob payload 1 | ... | sealed header | u32 LE length of the sealed header
 *
 * Header plaintext: "VGP1", u32 LE count, then per blob 42 bytes:
 *   u8 type, u8 compression, u32 LE raw length, u32 LE stored length, 32-byte id.
 * Offsets are implicit (payloads are contiguous from 0). The header is sealed like everything
 * else, so an encrypted pack reveals only sizes. The file name is the SHA-256 of its bytes, so
 * verify can check a pack without keys.
 */
export interface PackBlob {
  id: Buffer;
  type: BlobType;
  comp: Compression;
  rawLength: number;
  length: number;
  offset: number;
}

const MAGIC = Buffer.from('VGP1');
const ENTRY = 42;

export function encodePackHeader(blobs: readonly Omit<PackBlob, 'offset'>[], encKey: Buffer | null): Buffer {
  const plain = Buffer.alloc(8 + blobs.length * ENTRY);
  MAGIC.copy(plain, 0);
  plain.writeUInt32LE(blobs.length, 4);
  blobs.forEach((blob, n) => {
    const at = 8 + n * ENTRY;
    plain.writeUInt8(blob.type, at);
    plain.writeUInt8(blob.comp, at + 1);
    plain.writeUInt32LE(blob.rawLength, at + 2);
    plain.writeUInt32LE(blob.length, at + 6);
    blob.id.copy(plain, at + 10);
  });
  const sealed = seal(encKey, plain);
  const trailer = Buffer.alloc(4);
  trailer.writeUInt32LE(sealed.length, 0);
  return Buffer.concat([sealed, trailer]);
}

/** Parses the header from the tail of a pack (`tail` must hold header + 4 bytes). */
export function decodePackHeader(tail: Buffer, fileSize: number, encKey: Buffer | null, where: string): PackBlob[] {
  if (tail.length < 4) throw corrupt(where, 'pack too short');
  const sealedLength = tail.readUInt32LE(tail.length - 4);
  if (sealedLength + 4 > tail.length) throw corrupt(where, 'pack header length out of range');
  const plain = unseal(encKey, tail.subarray(tail.length - 4 - sealedLength, tail.length - 4), `${where} (header)`);
  if (plain.length < 8 || !plain.subarray(0, 4).equals(MAGIC)) throw corrupt(where, 'not a pack header');
  const count = plain.readUInt32LE(4);
  if (plain.length !== 8 + count * ENTRY) throw corrupt(where, 'pack header has the wrong size');
  const blobs: PackBlob[] = [];
  let offset = 0;
  for (let n = 0; n < count; n++) {
    const at = 8 + n * ENTRY;
    const length = plain.readUInt32LE(at + 6);
    blobs.push({
      type: plain.readUInt8(at) as BlobType,
      comp: plain.readUInt8(at + 1) as Compression,
      rawLength: plain.readUInt32LE(at + 2),
      length,
      id: Buffer.from(plain.subarray(at + 10, at + 42)),
      offset,
    });
    offset += length;
  }
  if (offset + sealedLength + 4 !== fileSize) throw corrupt(where, 'pack size does not match its header');
  return blobs;
}
