import { randomBytes } from 'node:crypto';
import path from 'node:path/posix';
import type { SFTPWrapper } from 'ssh2';
import { VigilError } from '../../../../domain/errors.js';
import { SftpPool } from './sftp-pool.js';
import { sftpLocation, unreachable, type SftpTarget } from './sftp-session.js';
import { backendError, type BackendGuarantees, type VaultBackend, type VaultObjectInfo } from './vault-backend.js';

/**
 * Reads and writes go in pieces of this size, PIPELINE of them in flight (SFTP is request/response).
 * A piece must stay under ssh2's largest request (254 KiB with OpenSSH: 256 KiB less overhead):
 * a 256 KiB piece went as 254 KiB plus a 2 KiB request sent only after the first was answered,
 * two round trips per piece.
 */
const PIECE = 128 * 1024;
const PIPELINE = 16;
/**
 * A call moving data may take, in all, its timeout plus this long per byte (a floor of 256 KiB/s);
 * but it fails as soon as the server has answered nothing for the timeout (see `call`).
 */
const MIN_RATE_BYTES_PER_MS = 256;
/** A call moving at least this much may open another connection when the open ones are busy (sftp-pool.ts). */
const GROW_BYTES = 1024 * 1024;

const SFTP_EOF = 1;
const SFTP_NO_SUCH_FILE = 2;
const SFTP_PERMISSION_DENIED = 3;
const SFTP_FAILURE = 4;

/**
 * A vault on an SFTP server (OpenSSH's sftp-server or internal-sftp). Each write goes to tmp/
 * (locks: beside the others), is fsynced on the server (fsync@openssh.com) and renamed into place
 * with posix-rename@openssh.com, which replaces atomically; an exclusive write hard-links instead
 * (hardlink@openssh.com), which the server refuses when the name exists. A connection lost
 * mid-write leaves only a temporary file (prune removes it). Up to `connections` SSH connections
 * (sftp-pool.ts), opened as calls in flight need them and again after one dropped; every call has
 * a deadline, after which its connection is dropped and the call fails ERR_VAULT_UNREACHABLE.
 *
 * SFTP version 3 reports a full disk as a generic failure: the backend then asks the server for
 * the free space (statvfs@openssh.com) and reports ENOSPC when there is none to speak of.
 */
export class SftpBackend implements VaultBackend {
  readonly guarantees: BackendGuarantees = { exclusiveCreate: 'atomic' };
  readonly location: string;
  private readonly pool: SftpPool;

  /** `connections`: SSH connections at most, for calls in flight together (the vault's `connections`). */
  constructor(
    private readonly target: SftpTarget,
    connections = 1,
  ) {
    this.location = sftpLocation(target);
    this.pool = new SftpPool(target, Math.max(1, connections));
  }

  async list(dir: string): Promise<{ files: VaultObjectInfo[]; dirs: string[] }> {
    return this.call(`listing ${dir || '/'}`, 0, false, async (sftp) => {
      const entries = await new Promise<{ filename: string; attrs: { mode: number; size: number } }[]>((resolve, reject) =>
        sftp.readdir(this.remote(dir), (error, list) => (error ? reject(error) : resolve(list))),
      ).catch((error: unknown) => {
        if (statusOf(error) === SFTP_NO_SUCH_FILE) return [];
        throw error;
      });
      const files: VaultObjectInfo[] = [];
      const dirs: string[] = [];
      for (const { filename, attrs } of entries) {
        const type = attrs.mode & 0o170000;
        if (type === 0o040000) dirs.push(filename);
        else if (type === 0o100000) files.push({ name: filename, size: attrs.size });
      }
      return { files, dirs };
    });
  }

  async stat(name: string): Promise<VaultObjectInfo | undefined> {
    return this.call(`looking up ${name}`, 0, false, async (sftp) => {
      const stats = await new Promise<{ isFile(): boolean; size: number } | undefined>((resolve, reject) =>
        sftp.stat(this.remote(name), (error, attrs) => (error ? (statusOf(error) === SFTP_NO_SUCH_FILE ? resolve(undefined) : reject(error)) : resolve(attrs))),
      );
      return stats?.isFile() ? { name, size: stats.size } : undefined;
    });
  }

  async read(name: string, range?: { offset: number; length: number }): Promise<Buffer> {
    // A whole object without a range: small (config, an index, a snapshot) unless it is a pack.
    const large = (range?.length ?? 0) >= GROW_BYTES || (!range && name.startsWith('data/'));
    return this.call(`reading ${name}`, range?.length ?? 8 * 1024 * 1024, large, async (sftp, answered) => {
      const handle = await open(sftp, this.remote(name), 'r');
      try {
        const offset = range?.offset ?? 0;
        const length = range?.length ?? (await fstatSize(sftp, handle)) - offset;
        const buffer = Buffer.allocUnsafe(Math.max(0, length));
        const got = await inPieces(length, (at, size) => readFully(sftp, handle, buffer, at, size, offset + at), answered);
        const short = got.findIndex((n, piece) => n < Math.min(PIECE, length - piece * PIECE));
        return short < 0 ? buffer : buffer.subarray(0, short * PIECE + got[short]!);
      } finally {
        await closeHandle(sftp, handle);
      }
    });
  }

  async write(name: string, data: Buffer, options: { exclusive?: boolean } = {}): Promise<void> {
    await this.call(`writing ${name}`, data.length, data.length >= GROW_BYTES, async (sftp, answered) => {
      const target = this.remote(name);
      const tmpDir = name.startsWith('locks/') ? path.dirname(target) : this.remote('tmp');
      const tmp = `${tmpDir}/${path.basename(name)}.${randomBytes(6).toString('hex')}.part`;
      try {
        const handle = await this.withParents(sftp, tmp, () => open(sftp, tmp, 'w'));
        try {
          await inPieces(data.length, (at, size) => writePiece(sftp, handle, data.subarray(at, at + size), at), answered);
          // Durable on the server before the name points at it (OpenSSH: fsync@openssh.com).
          await new Promise<void>((resolve) => sftp.ext_openssh_fsync(handle, () => resolve()));
        } finally {
          await closeHandle(sftp, handle);
        }
        if (options.exclusive) await this.linkExclusive(sftp, tmp, target);
        else await this.withParents(sftp, target, () => rename(sftp, tmp, target));
      } catch (error) {
        await unlink(sftp, tmp).catch(() => undefined);
        if (statusOf(error) === SFTP_FAILURE && (await this.diskFull(sftp, data.length))) throw backendError('ENOSPC', `${this.location}/${name}: no space left on the server`, error);
        throw error;
      }
      if (options.exclusive) await unlink(sftp, tmp).catch(() => undefined);
    });
  }

  async delete(name: string): Promise<void> {
    await this.call(`deleting ${name}`, 0, false, async (sftp) => {
      await unlink(sftp, this.remote(name)).catch((error: unknown) => {
        if (statusOf(error) !== SFTP_NO_SUCH_FILE) throw error;
      });
    });
  }

  async sync(): Promise<void> {
    // Each write was fsynced on the server before its rename; SFTP cannot fsync a directory.
  }

  async prepare(dirs: readonly string[]): Promise<void> {
    await this.call('creating the vault directories', 0, false, async (sftp) => {
      await mkdirs(sftp, this.target.path);
      for (const dir of dirs) await mkdirs(sftp, this.remote(dir));
    });
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  private remote(name: string): string {
    return name === '' ? this.target.path : path.join(this.target.path, name);
  }

  private async linkExclusive(sftp: SFTPWrapper, tmp: string, target: string): Promise<void> {
    try {
      await this.withParents(sftp, target, () => new Promise<void>((resolve, reject) => sftp.ext_openssh_hardlink(tmp, target, (error) => (error ? reject(error) : resolve()))));
    } catch (error) {
      // OpenSSH reports EEXIST as a plain failure: look.
      const exists = await new Promise<boolean>((resolve) => sftp.stat(target, (statError) => resolve(!statError)));
      if (exists) throw backendError('EEXIST', `${target} exists already`, error);
      throw error;
    }
  }

  /** Runs `op`; when the server says the directory is missing, creates it and runs `op` once more. */
  private async withParents<T>(sftp: SFTPWrapper, file: string, op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (error) {
      if (statusOf(error) !== SFTP_NO_SUCH_FILE) throw error;
      await mkdirs(sftp, path.dirname(file));
      return op();
    }
  }

  private async diskFull(sftp: SFTPWrapper, needed: number): Promise<boolean> {
    return new Promise<boolean>((resolve) =>
      sftp.ext_openssh_statvfs(this.target.path, (error, info: { f_bavail?: number | bigint; f_frsize?: number | bigint } | undefined) => {
        if (error || !info) return resolve(false);
        resolve(Number(info.f_bavail ?? 0) * Number(info.f_frsize ?? 0) < Math.max(needed, 64 * 1024));
      }),
    );
  }

  /**
   * One call on the (re)opened session, with two deadlines. Idle: the server must answer something
   * (each piece of a transfer counts, `answered`) within the timeout — a dead or frozen host is
   * noticed after the timeout, not after the time a whole pack may take. Total: the timeout plus
   * time to move `bytes` at 256 KiB/s, so a server that trickles cannot hold a call forever. On
   * either the connection is destroyed, which fails the call (and any other in flight) at once.
   * Errors that are not an SFTP status are a lost connection. `large`: the call moves enough data
   * to open another connection when the open ones are busy.
   */
  private async call<T>(doing: string, bytes: number, large: boolean, op: (sftp: SFTPWrapper, answered: () => void) => Promise<T>): Promise<T> {
    const { session, release } = await this.pool.acquire(large);
    const idleMs = this.target.timeoutMs;
    const limitMs = idleMs + Math.ceil(bytes / MIN_RATE_BYTES_PER_MS);
    let idle: NodeJS.Timeout | undefined;
    let total: NodeJS.Timeout | undefined;
    let answered = () => undefined as void;
    const deadline = new Promise<never>((_, reject) => {
      const expire = (message: string) => {
        this.pool.drop(session);
        reject(unreachable(`${message} while ${doing}`, this.target));
      };
      answered = () => {
        clearTimeout(idle);
        idle = setTimeout(() => expire(`no answer within ${Math.round(idleMs / 1000)} s`), idleMs);
      };
      answered();
      total = setTimeout(() => expire(`not done within ${Math.round(limitMs / 1000)} s (the server answers, but too slowly)`), limitMs);
    });
    try {
      return await Promise.race([op(session.sftp, () => answered()), deadline]);
    } catch (error) {
      if (error instanceof VigilError) throw error;
      // Already classified here (EEXIST, ENOSPC): an answer of the server, not a lost connection.
      if (typeof (error as NodeJS.ErrnoException).code === 'string') throw error;
      const status = statusOf(error);
      if (status === undefined || status === 6 || status === 7) {
        this.pool.drop(session);
        throw unreachable(`the connection was lost while ${doing} (${(error as Error).message})`, this.target, error);
      }
      throw withErrno(error, status, `${this.location}: ${doing}`);
    } finally {
      clearTimeout(idle);
      clearTimeout(total);
      answered = () => undefined;
      release();
    }
  }
}

function statusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** An SFTP status as the errno vault-errors.ts explains (the message keeps the server's words). */
function withErrno(error: unknown, status: number, doing: string): NodeJS.ErrnoException {
  if ((error as NodeJS.ErrnoException).code === 'ENOSPC' || (error as NodeJS.ErrnoException).code === 'EEXIST') return error as NodeJS.ErrnoException;
  const code = status === SFTP_NO_SUCH_FILE ? 'ENOENT' : status === SFTP_PERMISSION_DENIED ? 'EACCES' : 'EIO';
  return backendError(code, `${doing}: ${(error as Error).message}`, error);
}

/** Runs `op` over `length` bytes in PIECE-sized pieces, PIPELINE at a time; results in piece order. */
async function inPieces<T>(length: number, op: (at: number, size: number) => Promise<T>, answered: () => void): Promise<T[]> {
  const count = Math.ceil(length / PIECE);
  const results: T[] = new Array<T>(count);
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const piece = next++;
      results[piece] = await op(piece * PIECE, Math.min(PIECE, length - piece * PIECE));
      answered();
    }
  };
  await Promise.all(Array.from({ length: Math.min(PIPELINE, count) }, lane));
  return results;
}

function open(sftp: SFTPWrapper, file: string, flags: 'r' | 'w'): Promise<Buffer> {
  return new Promise((resolve, reject) => sftp.open(file, flags, 0o600, (error, handle) => (error ? reject(error) : resolve(handle))));
}

function closeHandle(sftp: SFTPWrapper, handle: Buffer): Promise<void> {
  return new Promise((resolve) => sftp.close(handle, () => resolve()));
}

function fstatSize(sftp: SFTPWrapper, handle: Buffer): Promise<number> {
  return new Promise((resolve, reject) => sftp.fstat(handle, (error, stats) => (error ? reject(error) : resolve(stats.size))));
}

/** Reads `size` bytes at `position` into buffer[at…]; fewer at the end of the file. Returns the count. */
async function readFully(sftp: SFTPWrapper, handle: Buffer, buffer: Buffer, at: number, size: number, position: number): Promise<number> {
  let done = 0;
  while (done < size) {
    const n = await new Promise<number>((resolve, reject) =>
      sftp.read(handle, buffer, at + done, size - done, position + done, (error, bytesRead) => {
        if (error) return statusOf(error) === SFTP_EOF ? resolve(0) : reject(error);
        resolve(bytesRead);
      }),
    );
    if (n === 0) break;
    done += n;
  }
  return done;
}

function writePiece(sftp: SFTPWrapper, handle: Buffer, data: Buffer, position: number): Promise<void> {
  return new Promise((resolve, reject) => sftp.write(handle, data, 0, data.length, position, (error) => (error ? reject(error) : resolve())));
}

function rename(sftp: SFTPWrapper, from: string, to: string): Promise<void> {
  return new Promise((resolve, reject) => sftp.ext_openssh_rename(from, to, (error) => (error ? reject(error) : resolve())));
}

function unlink(sftp: SFTPWrapper, file: string): Promise<void> {
  return new Promise((resolve, reject) => sftp.unlink(file, (error) => (error ? reject(error) : resolve())));
}

async function mkdirs(sftp: SFTPWrapper, dir: string): Promise<void> {
  const exists = await new Promise<boolean>((resolve) => sftp.stat(dir, (error) => resolve(!error)));
  if (exists) return;
  const parent = path.dirname(dir);
  if (parent !== dir) await mkdirs(sftp, parent);
  await new Promise<void>((resolve, reject) =>
    sftp.mkdir(dir, { mode: 0o700 }, (error) => {
      if (!error) return resolve();
      // Made meanwhile by a concurrent write: fine.
      sftp.stat(dir, (statError) => (statError ? reject(error) : resolve()));
    }),
  );
}
