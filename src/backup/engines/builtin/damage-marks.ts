import { corrupt } from './crypto.js';

/**
 * Damage marks: `damaged/<sha256>` files naming copies of blobs (pack id, blob id) that a verify
 * found damaged. Index files are written once and never changed, so a damaged copy cannot be
 * taken out of them in place; a mark makes every reader of the index ignore that copy instead
 * (BlobIndex), so the next backup stores the chunk afresh rather than deduplicating against
 * damaged data. A mark names one copy: an intact copy of the same blob in another pack stays
 * usable. `vigil repair` rebuilds the index from the packs and then removes the marks.
 *
 * Plaintext (sealed like every vault object): "VGD1", u32 LE count, then per mark a 32-byte pack
 * id and a 32-byte blob id.
 */
export interface DamageMark {
  packId: string;
  blobId: string;
}

const MAGIC = Buffer.from('VGD1');
const ENTRY = 64;

export function encodeDamageMarks(marks: readonly DamageMark[]): Buffer {
  const out = Buffer.alloc(8 + marks.length * ENTRY);
  MAGIC.copy(out, 0);
  out.writeUInt32LE(marks.length, 4);
  marks.forEach((mark, n) => {
    Buffer.from(mark.packId, 'hex').copy(out, 8 + n * ENTRY);
    Buffer.from(mark.blobId, 'hex').copy(out, 8 + n * ENTRY + 32);
  });
  return out;
}

export function decodeDamageMarks(plain: Buffer, where: string): DamageMark[] {
  if (plain.length < 8 || !plain.subarray(0, 4).equals(MAGIC)) throw corrupt(where, 'not a damage mark file');
  const count = plain.readUInt32LE(4);
  if (plain.length !== 8 + count * ENTRY) throw corrupt(where, 'damage mark file has the wrong size');
  const marks: DamageMark[] = [];
  for (let n = 0; n < count; n++) {
    const at = 8 + n * ENTRY;
    marks.push({ packId: plain.subarray(at, at + 32).toString('hex'), blobId: plain.subarray(at + 32, at + 64).toString('hex') });
  }
  return marks;
}

/**
 * What marks need of a vault: its object store, for the kind `damaged`. Declared here rather than
 * importing Vault, because Vault loads the marks with every index (vault.ts imports this file).
 */
export interface DamageMarkObjects {
  readonly root: string;
  listObjects(kind: 'damaged'): Promise<string[]>;
  readObject(kind: 'damaged', id: string): Promise<Buffer>;
  objectPath(kind: 'damaged', id: string): string;
  writeObject(kind: 'damaged', plain: Buffer): Promise<string>;
}

/** Every mark in the vault, and the files they came from. A damaged mark file throws ERR_VAULT_CORRUPT. */
export async function loadDamageMarks(vault: DamageMarkObjects): Promise<{ marks: DamageMark[]; files: string[] }> {
  const files = await vault.listObjects('damaged');
  const marks: DamageMark[] = [];
  for (const id of files) marks.push(...decodeDamageMarks(await vault.readObject('damaged', id), vault.objectPath('damaged', id)));
  return { marks, files };
}

/** Writes one mark file (durably) for copies found damaged. */
export async function writeDamageMarks(vault: DamageMarkObjects, marks: readonly DamageMark[]): Promise<void> {
  if (marks.length === 0) return;
  await vault.writeObject('damaged', encodeDamageMarks(marks));
}
