import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { fsyncDir, writeFileDurable } from '../durable-fs.js';
import { makeDirs } from '../../../../platform/make-dirs.js';
import { backendError, type BackendGuarantees, type VaultBackend, type VaultObjectInfo } from './vault-backend.js';

const OPEN_HANDLES = 32;

/**
 * A vault in a directory on this machine (a local disk or a mounted share): what the builtin
 * engine always had. Writes go to tmp/, are fsynced and renamed into place; `sync()` fsyncs the
 * directories written into since the last call. An exclusive write links the temporary file to
 * its name, which the kernel refuses atomically when the name exists. Errors are Node's own
 * (errno codes), which vault-errors.ts explains.
 */
export class LocalBackend implements VaultBackend {
  readonly guarantees: BackendGuarantees = { exclusiveCreate: 'atomic' };
  readonly location: string;
  private readonly dirty = new Set<string>();
  private readonly handles = new Map<string, fsp.FileHandle>();

  constructor(root: string) {
    this.location = path.resolve(root);
  }

  localPath(name: string): string {
    return name === '' ? this.location : path.join(this.location, ...name.split('/'));
  }

  async list(dir: string): Promise<{ files: VaultObjectInfo[]; dirs: string[] }> {
    const files: VaultObjectInfo[] = [];
    const dirs: string[] = [];
    let entries;
    try {
      entries = await fsp.readdir(this.localPath(dir), { withFileTypes: true });
    } catch (error) {
      if (['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '')) return { files, dirs };
      throw error;
    }
    for (const entry of entries) {
      if (entry.isDirectory()) dirs.push(entry.name);
      else if (entry.isFile()) {
        const info = await this.stat(dir === '' ? entry.name : `${dir}/${entry.name}`);
        if (info) files.push({ name: entry.name, size: info.size });
      }
    }
    return { files, dirs };
  }

  async stat(name: string): Promise<VaultObjectInfo | undefined> {
    const stats = await fsp.stat(this.localPath(name)).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
      throw error;
    });
    return stats?.isFile() ? { name, size: stats.size } : undefined;
  }

  async read(name: string, range?: { offset: number; length: number }): Promise<Buffer> {
    if (!range) return fsp.readFile(this.localPath(name));
    const handle = await this.handle(name);
    const buffer = Buffer.allocUnsafeSlow(range.length);
    let done = 0;
    while (done < range.length) {
      const { bytesRead } = await handle.read(buffer, done, range.length - done, range.offset + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return done === range.length ? buffer : buffer.subarray(0, done);
  }

  async write(name: string, data: Buffer, options: { exclusive?: boolean } = {}): Promise<void> {
    const target = this.localPath(name);
    // prune empties tmp/ under its exclusive lock; a lock being taken meanwhile is written beside
    // the others instead (its temporary name does not end in .json, so no reader sees it).
    const tmpDir = name.startsWith('locks/') ? path.dirname(target) : this.localPath('tmp');
    await makeDirs(tmpDir);
    if (options.exclusive) await this.writeExclusive(tmpDir, target, data);
    else await writeFileDurable(tmpDir, target, [data]);
    this.dirty.add(path.dirname(target));
    // A cached handle would keep reading the replaced file's old bytes.
    await this.forget(name);
  }

  /** link(2) refuses an existing name atomically: of two creators, exactly one wins. */
  private async writeExclusive(tmpDir: string, target: string, data: Buffer): Promise<void> {
    const tmp = path.join(tmpDir, `${path.basename(target)}.${process.pid}.${Date.now().toString(36)}.excl`);
    await fsp.writeFile(tmp, data, { mode: 0o644 });
    const handle = await fsp.open(tmp, 'r');
    await handle.sync();
    await handle.close();
    try {
      await makeDirs(path.dirname(target));
      await fsp.link(tmp, target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw backendError('EEXIST', `${target} exists already`, error);
      throw error;
    } finally {
      await fsp.rm(tmp, { force: true });
    }
  }

  async delete(name: string): Promise<void> {
    await this.forget(name);
    await fsp.rm(this.localPath(name), { force: true });
    this.dirty.add(path.dirname(this.localPath(name)));
  }

  async sync(): Promise<void> {
    const dirs = [...this.dirty];
    this.dirty.clear();
    for (const dir of dirs) {
      await fsyncDir(dir).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
    }
  }

  async prepare(dirs: readonly string[]): Promise<void> {
    await makeDirs(this.location);
    for (const dir of dirs) await makeDirs(this.localPath(dir));
  }

  async close(): Promise<void> {
    const handles = [...this.handles.values()];
    this.handles.clear();
    await Promise.all(handles.map((handle) => handle.close().catch(() => undefined)));
  }

  /** Ranged reads of packs come in runs: keep the last few files open (least recently used out). */
  private async handle(name: string): Promise<fsp.FileHandle> {
    const cached = this.handles.get(name);
    if (cached) {
      this.handles.delete(name);
      this.handles.set(name, cached);
      return cached;
    }
    const handle = await fsp.open(this.localPath(name), 'r');
    this.handles.set(name, handle);
    if (this.handles.size > OPEN_HANDLES) {
      const [oldest, old] = this.handles.entries().next().value as [string, fsp.FileHandle];
      this.handles.delete(oldest);
      await old.close();
    }
    return handle;
  }

  private async forget(name: string): Promise<void> {
    const handle = this.handles.get(name);
    if (!handle) return;
    this.handles.delete(name);
    await handle.close().catch(() => undefined);
  }
}
