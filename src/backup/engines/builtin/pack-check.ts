import { decodeBlob, type BlobType, type Compression } from './codec.js';
import { sha256, type VaultKeys } from './crypto.js';
import { decodePackHeader, type PackBlob } from './pack-format.js';

/** A blob a pack is expected to hold: where the index (or the pack's own header) places it. */
export interface ExpectedBlob {
  id: string;
  type: BlobType;
  comp: Compression;
  offset: number;
  length: number;
  rawLength: number;
}

export interface PackDataCheck {
  bytesRead: number;
  /** The pack's SHA-256 matches its name. */
  nameMatches: boolean;
  /** The header, when it could be opened; undefined when it is damaged. */
  header: PackBlob[] | undefined;
  intact: ExpectedBlob[];
  /** Blobs that failed to decode or to match their id, with why. */
  damaged: { blob: ExpectedBlob; reason: string }[];
  /** Problems with the pack file itself (name, header), each a sentence. */
  problems: string[];
}

/**
 * Reads a whole pack file and decodes every expected blob, checking it against its id: what a
 * restore would get. With `withHeader`, the blobs the pack's own header lists are checked too
 * (repair: the index may be damaged or miss packs of an interrupted run, the header may be
 * damaged while the index still knows where the blobs are). Throws only when the file cannot be
 * read at all (the caller reads the bytes).
 */
export function checkPackData(bytes: Buffer, file: string, keys: VaultKeys, packId: string, expected: readonly ExpectedBlob[], withHeader = false): PackDataCheck {
  const check: PackDataCheck = { bytesRead: bytes.length, nameMatches: sha256(bytes).toString('hex') === packId, header: undefined, intact: [], damaged: [], problems: [] };
  if (!check.nameMatches) check.problems.push(`${file}: pack content does not match its name (damaged)`);
  try {
    const headerLength = bytes.length >= 4 ? bytes.readUInt32LE(bytes.length - 4) : 0;
    check.header = decodePackHeader(bytes.subarray(Math.max(0, bytes.length - headerLength - 4)), bytes.length, keys.encKey, file);
  } catch (error) {
    check.problems.push((error as Error).message);
  }
  const blobs = [...expected];
  if (withHeader) {
    const listed = new Set(expected.map((blob) => `${blob.id}@${blob.offset}`));
    for (const blob of check.header ?? []) {
      const id = blob.id.toString('hex');
      if (!listed.has(`${id}@${blob.offset}`)) blobs.push({ ...blob, id });
    }
  }
  for (const blob of blobs) {
    const where = `${file} (blob ${blob.id.slice(0, 12)})`;
    if (blob.offset + blob.length > bytes.length) {
      check.damaged.push({ blob, reason: `${where}: pack file is truncated` });
      continue;
    }
    try {
      decodeBlob(bytes.subarray(blob.offset, blob.offset + blob.length), blob.comp, blob.rawLength, Buffer.from(blob.id, 'hex'), keys, where);
      check.intact.push(blob);
    } catch (error) {
      check.damaged.push({ blob, reason: (error as Error).message });
    }
  }
  return check;
}
