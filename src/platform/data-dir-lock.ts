import Database from 'better-sqlite3';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeDirsSync } from './make-dirs.js';

/** Who holds a data directory: written next to the lock by its holder, for the messages of others. */
export interface DataDirHolder {
  pid: number;
  host: string;
  /** When it took the lock (ms since the epoch). */
  since: number;
}

const LOCK_FILE = 'service.lock';
const HOLDER_FILE = 'service.pid';
// The holder writes its pid just after it takes the lock: a reader that loses that race (or finds
// the pid of a holder killed before) looks again a few times before it gives up naming it.
const HOLDER_READ_TRIES = 10;
const HOLDER_READ_GAP_MS = 50;
// How often `holder` looks again when the lock is held by an unnamed probe.
const PROBE_TRIES = 3;

/**
 * The exclusive lock of a data directory: one `vigil start` per directory. It is an SQLite
 * database (`service.lock`) held in EXCLUSIVE locking mode after a write, so the lock is a
 * POSIX record lock (fcntl) taken by the SQLite library Vigil already ships: the kernel
 * releases it when the process ends in any way — SIGKILL, OOM, power loss of a local disk —
 * so a dead service never leaves a stale lock that a person must remove, and a pid that the
 * system has since reused cannot keep it either (the trap of a pidfile with O_EXCL and a
 * liveness check). Taking it never waits (busy timeout 0): the answer is immediate.
 * `service.pid` beside it only names the holder in messages; it decides nothing.
 */
export class DataDirLock {
  private constructor(
    private readonly db: Database.Database,
    private readonly holderFile: string | undefined,
  ) {}

  /**
   * Takes the lock, or returns who holds it (undefined when it cannot be told). Throws on I/O errors.
   * `named: false` takes it without writing `service.pid`: a probe, which must never be mistaken
   * for a service by another process probing at the same instant.
   */
  static tryAcquire(dataDir: string, me: DataDirHolder, options: { named?: boolean } = {}): { lock: DataDirLock } | { heldBy: DataDirHolder | undefined } {
    makeDirsSync(dataDir);
    const db = new Database(path.join(dataDir, LOCK_FILE), { timeout: 0 });
    try {
      db.pragma('locking_mode = EXCLUSIVE');
      // A write takes the EXCLUSIVE lock; in this locking mode it is kept until the connection closes.
      db.exec('BEGIN EXCLUSIVE; CREATE TABLE IF NOT EXISTS lock (taken_at INTEGER NOT NULL); DELETE FROM lock;');
      db.prepare('INSERT INTO lock (taken_at) VALUES (?)').run(me.since);
      db.exec('COMMIT');
    } catch (error) {
      db.close();
      if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
      return { heldBy: readHolder(dataDir, me) };
    }
    if (options.named === false) return { lock: new DataDirLock(db, undefined) };
    const holderFile = path.join(dataDir, HOLDER_FILE);
    // Written aside and renamed, so a reader never sees half a file.
    writeFileSync(`${holderFile}.tmp`, `${JSON.stringify(me)}\n`);
    renameSync(`${holderFile}.tmp`, holderFile);
    return { lock: new DataDirLock(db, holderFile) };
  }

  /**
   * The live service holding `dataDir`'s lock, or `held: false` when none: the lock is free
   * (taken and released at once, unnamed), or its holder never names itself — another `vigil
   * run`'s probe, which lets go within milliseconds. For `vigil run`, which delivers its own
   * alerts only when no service does; delivering beside a service is safe anyway (the Outbox's
   * leases never let two processes send one message), staying silent beside no service is not.
   */
  static holder(dataDir: string, me: DataDirHolder): { held: false } | { held: true; by: DataDirHolder } {
    for (let i = 1; ; i++) {
      const result = DataDirLock.tryAcquire(dataDir, me, { named: false });
      if ('lock' in result) {
        result.lock.release();
        return { held: false };
      }
      if (result.heldBy) return { held: true, by: result.heldBy };
      if (i >= PROBE_TRIES) return { held: false };
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, HOLDER_READ_GAP_MS);
    }
  }

  /** Releases the lock (idempotent). The kernel does the same if the process dies first. */
  release(): void {
    if (!this.db.open) return;
    if (this.holderFile) rmSync(this.holderFile, { force: true });
    this.db.close();
  }
}

function readHolder(dataDir: string, me: DataDirHolder): DataDirHolder | undefined {
  for (let i = 0; i < HOLDER_READ_TRIES; i++) {
    const holder = parseHolder(path.join(dataDir, HOLDER_FILE));
    if (holder && holder.pid !== me.pid && (holder.host !== me.host || pidExists(holder.pid))) return holder;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, HOLDER_READ_GAP_MS);
  }
  return undefined;
}

function parseHolder(file: string): DataDirHolder | undefined {
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as Partial<DataDirHolder>;
    if (typeof value.pid === 'number' && typeof value.host === 'string' && typeof value.since === 'number') return value as DataDirHolder;
  } catch {
    // Missing, being replaced, or damaged: the holder cannot be named, the lock still holds.
  }
  return undefined;
}

/** Whether a process of this host has that pid (EPERM: it exists, owned by someone else). */
export function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
