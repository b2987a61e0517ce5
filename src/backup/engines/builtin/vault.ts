import { randomBytes } from 'node:crypto';
import { promises as fsp, type Stats } from 'node:fs';
import path from 'node:path';
import { VigilError } from '../../../domain/errors.js';
import { BlobIndex, decodeIndex } from './blob-index.js';
import { decodeBlob } from './codec.js';
import { loadDamageMarks } from './damage-marks.js';
import { corrupt, createKeyFile, openKeyFile, seal, sha256, unseal, type KeyFile, type VaultKeys } from './crypto.js';
import { fsyncDir, writeFileDurable } from './durable-fs.js';
import { decodePackHeader, type PackBlob } from './pack-format.js';
import type { BlobLocation } from './blob-index.js';
import { isPermissionDenied, permissionError, vaultWriteError } from './vault-errors.js';
import { makeDirs } from '../../../platform/make-dirs.js';

/**
 * A vault on disk:
 *
 *   config                 plaintext JSON: format, version, id, encrypted, (chunker seed if not encrypted)
 *   keys/<id>.json         scrypt-protected key material (encrypted vaults only)
 *   data/<xx>/<sha256>     pack files (blobs: file chunks and tree chunks)
 *   index/<sha256>         which blobs live in which pack, at which offset
 *   snapshots/<sha256>     one per backup run: set, time, roots, tree blob ids
 *   locks/<random>.json    who is using the vault
 *   tmp/                   files being written; never referenced; swept by prune
 *
 * Every file but config and locks is named by the SHA-256 of its bytes, written once, never
 * modified: readers check the name against the content.
 */
export interface VaultConfig {
  format: 'vigil-vault';
  version: 1;
  id: string;
  encrypted: boolean;
  chunkerSeed?: string;
  created: string;
}

/** `damaged` holds damage marks (damage-marks.ts); the directory exists once a verify found damage. */
export type ObjectKind = 'index' | 'snapshots' | 'damaged';

const WRITING: Record<ObjectKind, string> = { index: 'writing an index', snapshots: 'writing a snapshot', damaged: 'recording damaged data' };

export interface OpenVaultOptions {
  /** The passphrase of an encrypted vault, or of a vault to create encrypted. */
  passphrase?: string | undefined;
  /** Create the vault when the directory is missing or empty. */
  create?: boolean;
  now?: () => Date;
}

const PACK_HANDLES = 32;

export class Vault {
  private readonly handles = new Map<string, fsp.FileHandle>();

  private constructor(
    readonly root: string,
    readonly config: VaultConfig,
    readonly keys: VaultKeys,
  ) {}

  /**
   * Opens (or with `create`, initialises) the vault at `root`.
   * Errors: ERR_VAULT_NOT_FOUND (no vault and not asked to create), ERR_VAULT_PASSPHRASE (missing
   * or wrong passphrase), ERR_VAULT_CORRUPT (unreadable config or keys), ERR_VAULT_WRITE (cannot create).
   */
  static async open(root: string, options: OpenVaultOptions = {}): Promise<Vault> {
    const absolute = path.resolve(root);
    let configText: string | undefined;
    try {
      configText = await fsp.readFile(path.join(absolute, 'config'), 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw vaultReadError(absolute, error);
    }
    if (configText === undefined) {
      if (!options.create) {
        throw new VigilError('ERR_VAULT_NOT_FOUND', `no vault at ${absolute} (no config file)`, {
          hint: 'Check the set\'s `vault:` path; a vault is created by the first backup run.',
        });
      }
      return Vault.create(absolute, options);
    }
    let config: VaultConfig;
    try {
      config = JSON.parse(configText) as VaultConfig;
    } catch {
      throw corrupt(path.join(absolute, 'config'), 'not valid JSON');
    }
    if (config.format !== 'vigil-vault' || config.version !== 1) throw corrupt(path.join(absolute, 'config'), 'not a Vigil vault of a known version');
    const keys = config.encrypted ? await unlock(absolute, config.id, options.passphrase) : plainKeys(absolute, config, options.passphrase);
    return new Vault(absolute, config, keys);
  }

  private static async create(root: string, options: OpenVaultOptions): Promise<Vault> {
    const now = options.now?.() ?? new Date();
    try {
      await makeDirs(root);
      const existing = await fsp.readdir(root);
      if (existing.some((name) => !['data', 'index', 'snapshots', 'keys', 'locks', 'tmp'].includes(name))) {
        throw new VigilError('ERR_VAULT_NOT_FOUND', `${root} is not empty and is not a Vigil vault (no config file)`, {
          hint: 'Point `vault:` at an empty or new directory.',
        });
      }
      for (const dir of ['data', 'index', 'snapshots', 'keys', 'locks', 'tmp']) await makeDirs(path.join(root, dir));
      const id = randomBytes(16).toString('hex');
      let keys: VaultKeys;
      const config: VaultConfig = { format: 'vigil-vault', version: 1, id, encrypted: options.passphrase !== undefined, created: now.toISOString() };
      if (options.passphrase !== undefined) {
        const made = await createKeyFile(id, options.passphrase, now);
        keys = made.keys;
        await writeFileDurable(path.join(root, 'tmp'), path.join(root, 'keys', `${id}.json`), [Buffer.from(JSON.stringify(made.file))]);
        await fsyncDir(path.join(root, 'keys'));
      } else {
        keys = { encKey: null, idKey: null, chunkerSeed: randomBytes(32) };
        config.chunkerSeed = keys.chunkerSeed.toString('hex');
      }
      // link() fails if another process created the vault first: then open theirs.
      const tmp = path.join(root, 'tmp', `config.${id}`);
      await fsp.writeFile(tmp, JSON.stringify(config, null, 2) + '\n', { mode: 0o644 });
      const handle = await fsp.open(tmp, 'r');
      await handle.sync();
      await handle.close();
      try {
        await fsp.link(tmp, path.join(root, 'config'));
      } catch (error) {
        await fsp.rm(tmp, { force: true });
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
          await fsp.rm(path.join(root, 'keys', `${id}.json`), { force: true });
          return Vault.open(root, { ...options, create: false });
        }
        throw error;
      }
      await fsp.rm(tmp, { force: true });
      await fsyncDir(root);
      return new Vault(root, config, keys);
    } catch (error) {
      if (error instanceof VigilError) throw error;
      throw vaultWriteError(root, error, 'creating the vault');
    }
  }

  get tmpDir(): string {
    return path.join(this.root, 'tmp');
  }

  packPath(packId: string): string {
    return path.join(this.root, 'data', packId.slice(0, 2), packId);
  }

  objectPath(kind: ObjectKind, id: string): string {
    return path.join(this.root, kind, id);
  }

  /** Seals and writes a metadata object durably (file and directory fsynced). Returns its id. */
  async writeObject(kind: ObjectKind, plain: Buffer): Promise<string> {
    const sealed = seal(this.keys.encKey, plain);
    const id = sha256(sealed).toString('hex');
    const target = this.objectPath(kind, id);
    try {
      await writeFileDurable(this.tmpDir, target, [sealed]);
      await fsyncDir(path.dirname(target));
    } catch (error) {
      throw vaultWriteError(target, error, WRITING[kind]);
    }
    return id;
  }

  /** Reads, checks and opens a metadata object. ERR_VAULT_CORRUPT when damaged or missing. */
  async readObject(kind: ObjectKind, id: string): Promise<Buffer> {
    const file = this.objectPath(kind, id);
    let bytes: Buffer;
    try {
      bytes = await fsp.readFile(file);
    } catch (error) {
      if (isPermissionDenied(error)) throw permissionError(file, error, 'reading');
      throw corrupt(file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
    if (sha256(bytes).toString('hex') !== id) throw corrupt(file, 'content does not match its name (damaged)');
    return unseal(this.keys.encKey, bytes, file);
  }

  async listObjects(kind: ObjectKind): Promise<string[]> {
    const names = await fsp.readdir(path.join(this.root, kind)).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [] as string[];
      throw vaultReadError(path.join(this.root, kind), error);
    });
    return names.filter((name) => /^[0-9a-f]{64}$/.test(name)).sort();
  }

  /** Every pack file present on disk, with its size. */
  async listPacks(): Promise<Map<string, number>> {
    const packs = new Map<string, number>();
    const dataDir = path.join(this.root, 'data');
    for (const shard of await fsp.readdir(dataDir).catch(() => [] as string[])) {
      for (const name of await fsp.readdir(path.join(dataDir, shard)).catch(() => [] as string[])) {
        if (!/^[0-9a-f]{64}$/.test(name)) continue;
        const stats: Stats | undefined = await fsp.stat(path.join(dataDir, shard, name)).catch(() => undefined);
        if (stats) packs.set(name, stats.size);
      }
    }
    return packs;
  }

  /** Loads every index file into one BlobIndex, less the copies marked damaged. */
  async loadIndex(): Promise<{ index: BlobIndex; files: string[] }> {
    const index = new BlobIndex();
    for (const mark of (await loadDamageMarks(this)).marks) index.markDamaged(mark.packId, mark.blobId);
    const files = await this.listObjects('index');
    for (const id of files) {
      for (const pack of decodeIndex(await this.readObject('index', id), this.objectPath('index', id))) index.addPack(pack);
    }
    return { index, files };
  }

  /** Reads and checks one blob. ERR_VAULT_CORRUPT names the pack when it is missing or damaged. */
  async readBlob(id: string, location: BlobLocation): Promise<Buffer> {
    const where = `${this.packPath(location.packId)} (blob ${id.slice(0, 12)})`;
    const payload = await this.readRaw(location.packId, location.offset, location.length, where);
    return decodeBlob(payload, location.comp, location.rawLength, Buffer.from(id, 'hex'), this.keys, where);
  }

  /** Reads a blob's stored bytes without decoding them (prune copies them as they are). */
  async readRaw(packId: string, offset: number, length: number, where = this.packPath(packId)): Promise<Buffer> {
    const handle = await this.handle(packId);
    const buffer = Buffer.allocUnsafeSlow(length);
    const { bytesRead } = await handle.read(buffer, 0, length, offset);
    if (bytesRead !== length) throw corrupt(where, 'pack file is truncated');
    return buffer;
  }

  /** Reads the header of a pack file. */
  async readPackHeader(packId: string): Promise<PackBlob[]> {
    const where = this.packPath(packId);
    const handle = await this.handle(packId);
    const { size } = await handle.stat();
    if (size < 4) throw corrupt(where, 'pack too short');
    const trailer = Buffer.alloc(4);
    await handle.read(trailer, 0, 4, size - 4);
    const headerLength = trailer.readUInt32LE(0);
    if (headerLength + 4 > size) throw corrupt(where, 'pack header length out of range');
    const tail = Buffer.alloc(headerLength + 4);
    await handle.read(tail, 0, tail.length, size - tail.length);
    return decodePackHeader(tail, size, this.keys.encKey, where);
  }

  private async handle(packId: string): Promise<fsp.FileHandle> {
    const cached = this.handles.get(packId);
    if (cached) {
      this.handles.delete(packId);
      this.handles.set(packId, cached);
      return cached;
    }
    let handle: fsp.FileHandle;
    try {
      handle = await fsp.open(this.packPath(packId), 'r');
    } catch (error) {
      if (isPermissionDenied(error)) throw permissionError(this.packPath(packId), error, 'opening');
      throw corrupt(this.packPath(packId), `pack file cannot be opened (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
    this.handles.set(packId, handle);
    if (this.handles.size > PACK_HANDLES) {
      const [oldest, old] = this.handles.entries().next().value as [string, fsp.FileHandle];
      this.handles.delete(oldest);
      await old.close();
    }
    return handle;
  }

  /** Closes cached pack handles. The vault object may still be used afterwards. */
  async close(): Promise<void> {
    const handles = [...this.handles.values()];
    this.handles.clear();
    await Promise.all(handles.map((handle) => handle.close().catch(() => undefined)));
  }
}

async function unlock(root: string, vaultId: string, passphrase: string | undefined): Promise<VaultKeys> {
  if (passphrase === undefined) {
    throw new VigilError('ERR_VAULT_PASSPHRASE', `vault ${root} is encrypted and no passphrase was given`, {
      hint: 'Set `passphrase: { env: NAME }` or `{ file: PATH }` on the set.',
    });
  }
  const keyDir = path.join(root, 'keys');
  const names = (await fsp.readdir(keyDir).catch(() => [] as string[])).filter((name) => name.endsWith('.json'));
  if (names.length === 0) throw corrupt(keyDir, 'the vault is encrypted but has no key file');
  for (const name of names) {
    let file: KeyFile;
    try {
      file = JSON.parse(await fsp.readFile(path.join(keyDir, name), 'utf8')) as KeyFile;
    } catch (error) {
      // An unreadable key file is not a wrong passphrase.
      if (isPermissionDenied(error)) throw permissionError(path.join(keyDir, name), error, 'reading');
      continue;
    }
    if (file.vault !== vaultId) continue;
    const keys = await openKeyFile(file, passphrase);
    if (keys) return keys;
  }
  throw new VigilError('ERR_VAULT_PASSPHRASE', `wrong passphrase for vault ${root}`, {
    hint: 'The passphrase does not open any key file of this vault. Check the secret the set\'s `passphrase:` points to.',
  });
}

function plainKeys(root: string, config: VaultConfig, passphrase: string | undefined): VaultKeys {
  if (passphrase !== undefined) {
    throw new VigilError('ERR_VAULT_PASSPHRASE', `vault ${root} is not encrypted, but a passphrase was given`, {
      hint: 'Use a new, empty `vault:` directory for an encrypted set, or remove `passphrase:` from the set.',
    });
  }
  if (!config.chunkerSeed || !/^[0-9a-f]{64}$/.test(config.chunkerSeed)) throw corrupt(path.join(root, 'config'), 'missing chunker seed');
  return { encKey: null, idKey: null, chunkerSeed: Buffer.from(config.chunkerSeed, 'hex') };
}

function vaultReadError(where: string, error: unknown): VigilError {
  if (isPermissionDenied(error)) return permissionError(where, error, 'reading');
  return new VigilError('ERR_VAULT_CORRUPT', `${where}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`, {
    hint: 'Check that the vault is mounted and that the account Vigil runs as can read it.',
  });
}
