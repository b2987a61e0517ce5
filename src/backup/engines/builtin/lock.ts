import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { VigilError } from '../../../domain/errors.js';
import { LocalBackend } from './backend/local-backend.js';
import { vaultWriteError } from './vault-errors.js';
import type { VaultBackend } from './backend/vault-backend.js';

/**
 * Vault locks, one object each in locks/. Backups, restores and verifies take a shared lock; prune
 * takes an exclusive one (it deletes data a concurrent backup might be about to reference).
 *
 * Locks are plain objects, so they work on every backend (no rename, no O_EXCL, no mtime needed):
 * a lock carries the time it was last refreshed, and is rewritten with a new time every REFRESH
 * ms. The stale-lock rule: a lock whose time is more than STALE ms old, or held by a dead process
 * on this host, is removed by whoever finds it. (A remote vault shared by hosts thus needs their
 * clocks within a few minutes of each other, as restic does.) To take a lock, a process writes
 * its own, then lists the others: if one conflicts, it removes its own and retries later, so two
 * that race both back off rather than both win. Acquisition never waits past its deadline.
 */
const REFRESH_MS = 60_000;
const STALE_MS = 10 * 60_000;

interface LockInfo {
  exclusive: boolean;
  hostname: string;
  pid: number;
  time: string;
}

export interface VaultLock {
  release(): Promise<void>;
  /**
   * Stops refreshing the lock without removing it: for a vault whose host stopped answering,
   * where removing it would wait out one more deadline. The lock expires under the stale rule.
   */
  abandon(): void;
}

export interface LockOptions {
  exclusive: boolean;
  /** Give up after this long (ms). */
  deadlineMs: number;
  signal?: AbortSignal | undefined;
}

export async function acquireLock(where: string | VaultBackend, options: LockOptions): Promise<VaultLock> {
  const backend = typeof where === 'string' ? new LocalBackend(where) : where;
  const name = `${randomBytes(8).toString('hex')}.json`;
  const object = `locks/${name}`;
  const info = (): LockInfo => ({ exclusive: options.exclusive, hostname: os.hostname(), pid: process.pid, time: new Date().toISOString() });
  const shown = backend.localPath?.(object) ?? `${backend.location}/${object}`;
  const deadline = Date.now() + options.deadlineMs;
  for (;;) {
    try {
      await backend.write(object, Buffer.from(JSON.stringify(info())));
    } catch (error) {
      throw vaultWriteError(shown, error, 'taking the vault lock');
    }
    const holder = await conflictingLock(backend, name, options.exclusive);
    if (!holder) break;
    await backend.delete(object);
    if (Date.now() >= deadline || options.signal?.aborted) {
      throw new VigilError(
        'ERR_VAULT_LOCKED',
        `vault ${backend.location} is locked ${holder.exclusive ? 'exclusively ' : ''}by process ${holder.pid} on ${holder.hostname} since ${holder.time}`,
        { hint: 'Another backup, verify or prune is using the vault; retry later. A lock left by a crashed process expires after 10 minutes.' },
      );
    }
    // Random back-off, so two processes that saw each other do not retry in lock-step.
    await sleep(Math.min(100 + Math.random() * 400, Math.max(10, deadline - Date.now())));
  }
  let refreshing: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    refreshing = backend.write(object, Buffer.from(JSON.stringify(info()))).catch(() => undefined);
  }, REFRESH_MS);
  timer.unref();
  return {
    async release() {
      clearInterval(timer);
      await refreshing;
      await backend.delete(object).catch(() => undefined);
    },
    abandon() {
      clearInterval(timer);
    },
  };
}

/** The first live lock that conflicts with ours; stale locks found on the way are removed. */
async function conflictingLock(backend: VaultBackend, own: string, exclusive: boolean): Promise<LockInfo | undefined> {
  for (const { name } of (await backend.list('locks')).files) {
    if (name === own || !name.endsWith('.json')) continue;
    let other: LockInfo;
    try {
      other = JSON.parse((await backend.read(`locks/${name}`)).toString('utf8')) as LockInfo;
    } catch (error) {
      if (error instanceof VigilError) throw error;
      continue; // vanished, or being written this instant: it will be seen on the next look
    }
    if (isStale(other)) {
      await backend.delete(`locks/${name}`);
      continue;
    }
    if (exclusive || other.exclusive) return other;
  }
  return undefined;
}

function isStale(lock: LockInfo): boolean {
  const time = Date.parse(lock.time);
  if (!Number.isFinite(time) || Date.now() - time > STALE_MS) return true;
  if (lock.hostname !== os.hostname()) return false;
  try {
    process.kill(lock.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
