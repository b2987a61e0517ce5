import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { VaultKeys } from './crypto.js';
import type { FileResult, FromWorker, ToWorker, WorkerInit } from './worker-protocol.js';

type Task = Extract<ToWorker, { batch: number }>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

interface Slot {
  worker: Worker;
  inflight: number;
  /** How many of `announced` this worker has been sent. */
  cursor: number;
}

interface Pending {
  slot: Slot;
  onFiles: (files: FileResult[]) => void;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * A fixed pool of worker threads (one per core). Tasks are batches of files; each worker reports
 * results per file as it goes. A worker that dies fails every batch it held.
 */
export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly announced: Buffer[] = [];
  private nextBatch = 1;
  private closed = false;

  constructor(keys: VaultKeys, size = Math.max(1, Math.min(os.availableParallelism(), 8))) {
    const init: WorkerInit = { chunkerSeed: keys.chunkerSeed, idKey: keys.idKey, encKey: keys.encKey };
    for (let n = 0; n < size; n++) {
      const worker = spawnWorker(init);
      const slot: Slot = { worker, inflight: 0, cursor: 0 };
      worker.on('message', (message: FromWorker) => this.onMessage(message));
      worker.on('error', (error) => this.failSlot(slot, error));
      worker.on('exit', (code) => {
        if (!this.closed) this.failSlot(slot, new Error(`engine worker thread exited with code ${code}`));
      });
      this.slots.push(slot);
    }
  }

  get size(): number {
    return this.slots.length;
  }

  /** Batches not yet finished. */
  get inflight(): number {
    return this.pending.size;
  }

  /** Tells every worker these blob ids are stored, so they skip compressing them again. */
  announce(ids: Buffer): void {
    if (ids.length > 0) this.announced.push(ids);
  }

  /**
   * Runs a task on the least busy worker. `onFiles` receives results as they come; the promise
   * settles when the batch is complete (rejects only if the worker thread dies).
   */
  submit(task: DistributiveOmit<Task, 'batch'>, onFiles: (files: FileResult[]) => void): Promise<void> {
    const slot = this.slots.reduce((best, candidate) => (candidate.inflight < best.inflight ? candidate : best));
    if (slot.cursor < this.announced.length) {
      const ids = Buffer.concat(this.announced.slice(slot.cursor));
      slot.cursor = this.announced.length;
      slot.worker.postMessage({ kind: 'known', ids } satisfies ToWorker);
    }
    const batch = this.nextBatch++;
    slot.inflight++;
    return new Promise<void>((resolve, reject) => {
      this.pending.set(batch, { slot, onFiles, resolve, reject });
      slot.worker.postMessage({ ...task, batch } as Task);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }

  private onMessage(message: FromWorker): void {
    const pending = this.pending.get(message.batch);
    if (!pending) return;
    try {
      pending.onFiles(message.files);
    } catch (error) {
      this.pending.delete(message.batch);
      pending.slot.inflight--;
      pending.reject(error as Error);
      return;
    }
    if (message.last) {
      this.pending.delete(message.batch);
      pending.slot.inflight--;
      pending.resolve();
    }
  }

  private failSlot(slot: Slot, error: Error): void {
    for (const [batch, pending] of this.pending) {
      if (pending.slot !== slot) continue;
      this.pending.delete(batch);
      pending.reject(error);
    }
    slot.inflight = Number.POSITIVE_INFINITY;
  }
}

function spawnWorker(init: WorkerInit): Worker {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    // Running from TypeScript sources (tests, bench): register tsx inside the worker first.
    const url = new URL('./worker.ts', here).href;
    const tsx = import.meta.resolve('tsx/esm/api');
    const code = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(url)}); })`;
    return new Worker(code, { eval: true, workerData: init });
  }
  return new Worker(new URL('./worker.js', here), { workerData: init });
}
