import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { VigilError } from '../../../domain/errors.js';
import { vaultWriteError } from './vault-errors.js';
import { makeDirs } from '../../../platform/make-dirs.js';

/**
 * Vault locks, one file each in locks/. Backups, restores and verifies take a shared lock; prune
 * takes an exclusive one (it deletes data a concurrent backup might be about to reference).
 * A lock is refreshed every REFRESH ms; one not refreshed for STALE ms, or held by a dead process
 * on this host, is stale and removed. Acquisition never waits past its deadline.
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
}

export interface LockOptions {
  exclusive: boolean;
  /** Give up after this long (ms). */
  deadlineMs: number;
  signal?: AbortSignal | undefined;
}

export async function acquireLock(root: string, options: LockOptions): Promise<VaultLock> {
  const dir = path.join(root, 'locks');
  const name = `${randomBytes(8).toString('hex')}.json`;
  const file = path.join(dir, name);
  const info: LockInfo = { exclusive: options.exclusive, hostname: os.hostname(), pid: process.pid, time: new Date().toISOString() };
  const deadline = Date.now() + options.deadlineMs;
  for (;;) {
    try {
      await makeDirs(dir);
      await fsp.writeFile(file, JSON.stringify(info), { flag: 'wx' });
    } catch (error) {
      throw vaultWriteError(file, error, 'taking the vault lock');
    }
    const holder = await conflictingLock(dir, name, options.exclusive);
    if (!holder) break;
    await fsp.rm(file, { force: true });
    if (Date.now() >= deadline || options.signal?.aborted) {
      throw new VigilError(
        'ERR_VAULT_LOCKED',
        `vault ${root} is locked ${holder.exclusive ? 'exclusively ' : ''}by process ${holder.pid} on ${holder.hostname} since ${holder.time}`,
        { hint: 'Another backup, verify or prune is using the vault; retry later. A lock left by a crashed process expires after 10 minutes.' },
      );
    }
    // Random back-off, so two processes that saw each other do not retry in lock-step.
    await sleep(Math.min(100 + Math.random() * 400, Math.max(10, deadline - Date.now())));
  }
  const timer = setInterval(() => {
    const now = new Date();
    fsp.utimes(file, now, now).catch(() => undefined);
  }, REFRESH_MS);
  timer.unref();
  return {
    async release() {
      clearInterval(timer);
      await fsp.rm(file, { force: true });
    },
  };
}

/** The first live lock that conflicts with ours; stale locks found on the way are removed. */
async function conflictingLock(dir: string, own: string, exclusive: boolean): Promise<LockInfo | undefined> {
  for (const name of await fsp.readdir(dir)) {
    if (name === own || !name.endsWith('.json')) continue;
    const file = path.join(dir, name);
    let other: LockInfo;
    let mtimeMs: number;
    try {
      other = JSON.parse(await fsp.readFile(file, 'utf8')) as LockInfo;
      mtimeMs = (await fsp.stat(file)).mtimeMs;
    } catch {
      continue; // vanished, or being written this instant: it will be seen on the next look
    }
    if (isStale(other, mtimeMs)) {
      await fsp.rm(file, { force: true });
      continue;
    }
    if (exclusive || other.exclusive) return other;
  }
  return undefined;
}

function isStale(lock: LockInfo, mtimeMs: number): boolean {
  if (Date.now() - mtimeMs > STALE_MS) return true;
  if (lock.hostname !== os.hostname()) return false;
  try {
    process.kill(lock.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
