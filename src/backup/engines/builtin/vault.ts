import { randomBytes } from 'node:crypto';
import { VigilError } from '../../../domain/errors.js';
import { BlobIndex, decodeIndex } from './blob-index.js';
import { decodeBlob } from './codec.js';
import { loadDamageMarks } from './damage-marks.js';
import { corrupt, createKeyFile, openKeyFile, seal, sha256, unseal, type KeyFile, type VaultKeys } from './crypto.js';
import { LocalBackend } from './backend/local-backend.js';
import type { VaultBackend } from './backend/vault-backend.js';
import { decodePackHeader, type PackBlob } from './pack-format.js';
import { mapInParallel } from './in-parallel.js';
import type { BlobLocation } from './blob-index.js';
import { isPermissionDenied, permissionError, vaultWriteError } from './vault-errors.js';

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

const LAYOUT = ['data', 'index', 'snapshots', 'keys', 'locks', 'tmp'];

export class Vault {
  private constructor(
    readonly backend: VaultBackend,
    readonly config: VaultConfig,
    readonly keys: VaultKeys,
  ) {}

  /** Where the vault is, for messages: its directory, or its URL without credentials. */
  get root(): string {
    return this.backend.location;
  }

  /**
   * Opens (or with `create`, initialises) the vault in `where`: a directory, or a backend.
   * Errors: ERR_VAULT_NOT_FOUND (no vault and not asked to create), ERR_VAULT_PASSPHRASE (missing
   * or wrong passphrase), ERR_VAULT_CORRUPT (unreadable config or keys), ERR_VAULT_WRITE (cannot
   * create), and a remote backend's ERR_VAULT_UNREACHABLE / ERR_VAULT_AUTH / ERR_VAULT_HOST_KEY.
   */
  static async open(where: string | VaultBackend, options: OpenVaultOptions = {}): Promise<Vault> {
    const backend = typeof where === 'string' ? new LocalBackend(where) : where;
    try {
      return await Vault.openWith(backend, options);
    } catch (error) {
      await backend.close(); // a remote backend's connection would keep the process alive
      throw error;
    }
  }

  private static async openWith(backend: VaultBackend, options: OpenVaultOptions): Promise<Vault> {
    let configText: string | undefined;
    try {
      configText = (await backend.read('config')).toString('utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw vaultReadError(backend.location, error);
    }
    const configWhere = nameIn(backend, 'config');
    if (configText === undefined) {
      if (!options.create) {
        throw new VigilError('ERR_VAULT_NOT_FOUND', `no vault at ${backend.location} (no config file)`, {
          hint: 'Check the set\'s `vault:` path; a vault is created by the first backup run.',
        });
      }
      return Vault.create(backend, options);
    }
    let config: VaultConfig;
    try {
      config = JSON.parse(configText) as VaultConfig;
    } catch {
      throw corrupt(configWhere, 'not valid JSON');
    }
    if (config.format !== 'vigil-vault' || config.version !== 1) throw corrupt(configWhere, 'not a Vigil vault of a known version');
    const keys = config.encrypted ? await unlock(backend, config.id, options.passphrase) : plainKeys(backend.location, config, options.passphrase);
    return new Vault(backend, config, keys);
  }

  private static async create(backend: VaultBackend, options: OpenVaultOptions): Promise<Vault> {
    const now = options.now?.() ?? new Date();
    const root = backend.location;
    try {
      await backend.prepare([]);
      const existing = await backend.list('');
      if ([...existing.dirs, ...existing.files.map((file) => file.name)].some((name) => !LAYOUT.includes(name))) {
        throw new VigilError('ERR_VAULT_NOT_FOUND', `${root} is not empty and is not a Vigil vault (no config file)`, {
          hint: 'Point `vault:` at an empty or new directory.',
        });
      }
      await backend.prepare(LAYOUT);
      const id = randomBytes(16).toString('hex');
      let keys: VaultKeys;
      const config: VaultConfig = { format: 'vigil-vault', version: 1, id, encrypted: options.passphrase !== undefined, created: now.toISOString() };
      if (options.passphrase !== undefined) {
        const made = await createKeyFile(id, options.passphrase, now);
        keys = made.keys;
        await backend.write(`keys/${id}.json`, Buffer.from(JSON.stringify(made.file)));
        await backend.sync();
      } else {
        keys = { encKey: null, idKey: null, chunkerSeed: randomBytes(32) };
        config.chunkerSeed = keys.chunkerSeed.toString('hex');
      }
      // An exclusive write fails if another process created the vault first: then open theirs.
      try {
        await backend.write('config', Buffer.from(JSON.stringify(config, null, 2) + '\n'), { exclusive: true });
      } catch (error) {
        if (!isExisting(error)) throw error;
        await backend.delete(`keys/${id}.json`);
        return Vault.openWith(backend, { ...options, create: false });
      }
      await backend.sync();
      return new Vault(backend, config, keys);
    } catch (error) {
      if (error instanceof VigilError) throw error;
      throw vaultWriteError(root, error, 'creating the vault');
    }
  }

  /** A vault object's name as messages show it: a path or a URL. */
  where(name: string): string {
    return nameIn(this.backend, name);
  }

  packName(packId: string): string {
    return `data/${packId.slice(0, 2)}/${packId}`;
  }

  /** Where a pack is, for messages. */
  packPath(packId: string): string {
    return this.where(this.packName(packId));
  }

  objectPath(kind: ObjectKind, id: string): string {
    return this.where(`${kind}/${id}`);
  }

  /** Seals and writes a metadata object durably (all writes so far synced too). Returns its id. */
  async writeObject(kind: ObjectKind, plain: Buffer): Promise<string> {
    const sealed = seal(this.keys.encKey, plain);
    const id = sha256(sealed).toString('hex');
    try {
      await this.backend.write(`${kind}/${id}`, sealed);
      await this.backend.sync();
    } catch (error) {
      throw vaultWriteError(this.objectPath(kind, id), error, WRITING[kind]);
    }
    return id;
  }

  /** Removes metadata objects (prune, repair), then syncs. Missing ones are fine. */
  async deleteObjects(kind: ObjectKind, ids: Iterable<string>): Promise<void> {
    for (const id of ids) await this.backend.delete(`${kind}/${id}`);
    await this.backend.sync();
  }

  /** Reads, checks and opens a metadata object. ERR_VAULT_CORRUPT when damaged or missing. */
  async readObject(kind: ObjectKind, id: string): Promise<Buffer> {
    const file = this.objectPath(kind, id);
    let bytes: Buffer;
    try {
      bytes = await this.backend.read(`${kind}/${id}`);
    } catch (error) {
      if (error instanceof VigilError) throw error;
      if (isPermissionDenied(error)) throw permissionError(file, error, 'reading');
      throw corrupt(file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
    if (sha256(bytes).toString('hex') !== id) throw corrupt(file, 'content does not match its name (damaged)');
    return unseal(this.keys.encKey, bytes, file);
  }

  async listObjects(kind: ObjectKind): Promise<string[]> {
    const { files } = await this.backend.list(kind).catch((error: unknown) => {
      throw vaultReadError(this.where(kind), error);
    });
    return files.map((file) => file.name).filter((name) => /^[0-9a-f]{64}$/.test(name)).sort();
  }

  /** Every pack file present, with its size. */
  async listPacks(): Promise<Map<string, number>> {
    const packs = new Map<string, number>();
    try {
      const shards = await mapInParallel((await this.backend.list('data')).dirs, (shard) => this.backend.list(`data/${shard}`));
      for (const { files } of shards) {
        for (const file of files) if (/^[0-9a-f]{64}$/.test(file.name)) packs.set(file.name, file.size);
      }
    } catch (error) {
      throw vaultReadError(this.where('data'), error);
    }
    return packs;
  }

  /** Loads every index file into one BlobIndex, less the copies marked damaged. */
  async loadIndex(): Promise<{ index: BlobIndex; files: string[] }> {
    const index = new BlobIndex();
    for (const mark of (await loadDamageMarks(this)).marks) index.markDamaged(mark.packId, mark.blobId);
    const files = await this.listObjects('index');
    // Added in name order, as before: the first copy of a blob listed is the one used.
    const decoded = await mapInParallel(files, async (id) => decodeIndex(await this.readObject('index', id), this.objectPath('index', id)));
    for (const packs of decoded) for (const pack of packs) index.addPack(pack);
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
    const bytes = await this.readPackPart(packId, { offset, length });
    if (bytes.length !== length) throw corrupt(where, 'pack file is truncated');
    return bytes;
  }

  /** A whole pack file (verify --read-data, repair). */
  async readPack(packId: string): Promise<Buffer> {
    return this.readPackPart(packId);
  }

  /** Reads the header of a pack file. */
  async readPackHeader(packId: string): Promise<PackBlob[]> {
    const where = this.packPath(packId);
    const info = await this.backend.stat(this.packName(packId)).catch((error: unknown) => {
      throw packOpenError(where, error);
    });
    if (!info) throw corrupt(where, 'pack file cannot be opened (ENOENT)');
    const size = info.size;
    if (size < 4) throw corrupt(where, 'pack too short');
    const trailer = await this.readPackPart(packId, { offset: size - 4, length: 4 });
    const headerLength = trailer.readUInt32LE(0);
    if (headerLength + 4 > size) throw corrupt(where, 'pack header length out of range');
    const tail = await this.readPackPart(packId, { offset: size - headerLength - 4, length: headerLength + 4 });
    return decodePackHeader(tail, size, this.keys.encKey, where);
  }

  private async readPackPart(packId: string, range?: { offset: number; length: number }): Promise<Buffer> {
    try {
      return await this.backend.read(this.packName(packId), range);
    } catch (error) {
      throw packOpenError(this.packPath(packId), error);
    }
  }

  /** Closes cached handles and connections. The vault object may still be used afterwards. */
  async close(): Promise<void> {
    await this.backend.close();
  }
}

function nameIn(backend: VaultBackend, name: string): string {
  return backend.localPath?.(name) ?? `${backend.location}/${name}`;
}

function isExisting(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === 'EEXIST';
}

function packOpenError(where: string, error: unknown): VigilError {
  if (error instanceof VigilError) return error;
  if (isPermissionDenied(error)) return permissionError(where, error, 'opening');
  return corrupt(where, `pack file cannot be opened (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
}

async function unlock(backend: VaultBackend, vaultId: string, passphrase: string | undefined): Promise<VaultKeys> {
  const root = backend.location;
  if (passphrase === undefined) {
    throw new VigilError('ERR_VAULT_PASSPHRASE', `vault ${root} is encrypted and no passphrase was given`, {
      hint: 'Set `passphrase: { env: NAME }` or `{ file: PATH }` on the set.',
    });
  }
  const names = (await backend.list('keys').catch((error: unknown) => {
    throw vaultReadError(nameIn(backend, 'keys'), error);
  })).files.map((file) => file.name).filter((name) => name.endsWith('.json'));
  if (names.length === 0) throw corrupt(nameIn(backend, 'keys'), 'the vault is encrypted but has no key file');
  for (const name of names) {
    let file: KeyFile;
    try {
      file = JSON.parse((await backend.read(`keys/${name}`)).toString('utf8')) as KeyFile;
    } catch (error) {
      // An unreadable key file is not a wrong passphrase.
      if (error instanceof VigilError) throw error;
      if (isPermissionDenied(error)) throw permissionError(nameIn(backend, `keys/${name}`), error, 'reading');
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
  if (!config.chunkerSeed || !/^[0-9a-f]{64}$/.test(config.chunkerSeed)) throw corrupt(`${root}/config`, 'missing chunker seed');
  return { encKey: null, idKey: null, chunkerSeed: Buffer.from(config.chunkerSeed, 'hex') };
}

function vaultReadError(where: string, error: unknown): VigilError {
  if (error instanceof VigilError) return error;
  if (isPermissionDenied(error)) return permissionError(where, error, 'reading');
  return new VigilError('ERR_VAULT_CORRUPT', `${where}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`, {
    hint: 'Check that the vault is mounted and that the account Vigil runs as can read it.',
  });
}
