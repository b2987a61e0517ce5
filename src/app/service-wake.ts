import { rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Logger } from '../domain/logger.js';

const SOCKET_FILE = 'service.sock';
// sun_path holds 108 bytes on Linux (104 on the BSDs), its NUL included.
const MAX_SOCKET_PATH = 103;
// A wake is a courtesy (the service also looks at the Outbox at least once a minute): a
// process that enqueued never waits longer than this for the service to hear it.
const POKE_DEADLINE_MS = 1_000;

/**
 * How a CLI process that enqueued a message (vigil run, admin daily, mail test …) tells the running
 * service to deliver it now instead of at its next look at the Outbox (up to 60 s later). A Unix
 * socket in dataDir: only accounts that may write the data directory can connect (a signal would
 * need the service's own account or root), it works whatever user cron runs as, and a stale
 * socket file left by a killed service is simply replaced, because only the holder of the
 * dataDir lock listens on it. The connection carries nothing: connecting is the whole message.
 */
export function wakeSocketPath(dataDir: string): string | undefined {
  const file = path.join(dataDir, SOCKET_FILE);
  return Buffer.byteLength(file) <= MAX_SOCKET_PATH ? file : undefined;
}

/** The service side. Call only while holding the dataDir lock (it replaces a stale socket). */
export async function listenForWakes(dataDir: string, onWake: () => void, log: Logger): Promise<{ close(): void }> {
  const file = wakeSocketPath(dataDir);
  if (!file) {
    log.warn(`the data directory path is too long for a Unix socket: messages enqueued by other vigil commands wait for the service's next look at the Outbox (at most a minute)`);
    return { close: () => undefined };
  }
  rmSync(file, { force: true });
  const server = net.createServer((socket) => {
    socket.on('error', () => undefined);
    socket.end();
    onWake();
  });
  server.on('error', (error) => log.warn(`wake socket ${file}: ${error.message}`));
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(file, () => resolve());
    });
  } catch (error) {
    log.warn(`cannot listen on ${file} (${(error as Error).message}): messages enqueued by other vigil commands wait for the service's next look at the Outbox (at most a minute)`);
    return { close: () => undefined };
  }
  return {
    // Synchronous on purpose: `vigil start` returns at once after its last signal handler is gone.
    close: () => {
      server.close();
      rmSync(file, { force: true });
    },
  };
}

/**
 * The client side: wakes the service of `dataDir` if one listens. Never throws, never waits past
 * its deadline; true when a service heard it.
 */
export function wakeService(dataDir: string): Promise<boolean> {
  const file = wakeSocketPath(dataDir);
  if (!file) return Promise.resolve(false);
  return new Promise((resolve) => {
    const socket = net.createConnection(file);
    const timer = setTimeout(() => socket.destroy(), POKE_DEADLINE_MS);
    let connected = false;
    socket.on('connect', () => {
      connected = true;
      socket.end();
    });
    socket.on('data', () => undefined);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(connected);
    });
  });
}

/** Wakes the service after each enqueue of this process, one poke at a time; close() awaits the last. */
export class ServiceWaker {
  private pending: Promise<unknown> = Promise.resolve();
  private again = false;
  private busy = false;

  constructor(private readonly dataDir: string) {}

  poke(): void {
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    this.pending = wakeService(this.dataDir).finally(() => {
      this.busy = false;
      if (this.again) {
        this.again = false;
        this.poke();
      }
    });
  }

  /** Resolves when the pokes in flight have ended (each has its own deadline). */
  async settled(): Promise<void> {
    while (this.busy) await this.pending;
  }
}
