import { closeSync, fchmodSync, fchownSync, ftruncateSync, futimesSync, openSync, readSync, writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { Chunker, DATA_CHUNKER, gearTable } from './chunker.js';
import { decodeBlob, encodeBlob } from './codec.js';
import { blobId } from './crypto.js';
import { mtimeSeconds } from './snapshot.js';
import type { BackupTask, ChunkResult, FileResult, RestoreTask, ToWorker, WorkerInit } from './worker-protocol.js';

/**
 * A worker thread: reads, chunks, hashes, compresses and seals files for backup, and reads,
 * checks, decompresses and writes files for restore. Both cores work on whole files in parallel;
 * the main thread only walks the tree and writes packs.
 */
const init = workerData as WorkerInit;
const idKey = init.idKey ? Buffer.from(init.idKey) : null;
const encKey = init.encKey ? Buffer.from(init.encKey) : null;
const chunker = new Chunker(gearTable(init.chunkerSeed), DATA_CHUNKER);
const known = new Set<string>();
const buffer = Buffer.allocUnsafeSlow(2 * DATA_CHUNKER.maxSize);
const HOLE_BLOCK = 64 * 1024;
const zeros = Buffer.alloc(HOLE_BLOCK);
const FLUSH_BYTES = 8 * 1024 * 1024;
const port = parentPort!;

port.on('message', (message: ToWorker) => {
  if (message.kind === 'known') {
    const ids = Buffer.from(message.ids.buffer, message.ids.byteOffset, message.ids.byteLength);
    for (let at = 0; at + 32 <= ids.length; at += 32) known.add(ids.toString('hex', at, at + 32));
  } else if (message.kind === 'backup') backup(message);
  else restore(message);
});

function backup(task: BackupTask): void {
  let results: FileResult[] = [];
  let pending = 0;
  let transfer: ArrayBuffer[] = [];
  const flush = (last: boolean) => {
    port.postMessage({ kind: 'result', batch: task.batch, files: results, last }, transfer);
    results = [];
    transfer = [];
    pending = 0;
  };
  for (const file of task.files) {
    let current: FileResult = { fid: file.fid, chunks: [], done: false };
    const emit = (chunk: Buffer) => {
      const id = blobId(chunk, idKey).toString('hex');
      const result: ChunkResult = { id, size: chunk.length };
      if (!known.has(id)) {
        known.add(id);
        const encoded = encodeBlob(chunk, encKey);
        result.comp = encoded.comp;
        const payload = encoded.payload;
        if (payload.byteOffset === 0 && payload.byteLength === payload.buffer.byteLength) {
          result.payload = payload;
          transfer.push(payload.buffer as ArrayBuffer);
        } else result.payload = Buffer.from(payload);
        pending += payload.length;
      }
      current.chunks.push(result);
      if (pending >= FLUSH_BYTES) {
        results.push(current);
        flush(false);
        current = { fid: file.fid, chunks: [], done: false };
      }
    };
    try {
      readChunks(file.path, emit);
      current.done = true;
    } catch (error) {
      const err = error as NodeJS.ErrnoException;
      current.done = true;
      current.error = { code: err.code ?? 'EIO', message: err.message };
    }
    results.push(current);
  }
  flush(true);
}

function readChunks(path: string, emit: (chunk: Buffer) => void): void {
  const fd = openSync(path, 'r');
  try {
    chunker.reset();
    let start = 0;
    let end = 0;
    let scan = 0;
    let eof = false;
    for (;;) {
      while (!eof && end < buffer.length) {
        const n = readSync(fd, buffer, end, buffer.length - end, null);
        if (n === 0) eof = true;
        else end += n;
      }
      for (;;) {
        const cut = chunker.next(buffer, scan, end);
        if (cut < 0) {
          scan = end;
          break;
        }
        emit(buffer.subarray(start, cut));
        start = cut;
        scan = cut;
      }
      if (eof) {
        if (end > start) emit(buffer.subarray(start, end));
        return;
      }
      // The unfinished chunk is shorter than maxSize, so after this at least half the buffer is free.
      buffer.copyWithin(0, start, end);
      end -= start;
      scan -= start;
      start = 0;
    }
  } finally {
    closeSync(fd);
  }
}

const packFds = new Map<string, number>();

function packFd(path: string): number {
  let fd = packFds.get(path);
  if (fd === undefined) {
    fd = openSync(path, 'r');
    packFds.set(path, fd);
    if (packFds.size > 16) {
      const [oldPath, oldFd] = packFds.entries().next().value as [string, number];
      packFds.delete(oldPath);
      closeSync(oldFd);
    }
  }
  return fd;
}

function restore(task: RestoreTask): void {
  const results: FileResult[] = [];
  const canChown = process.getuid?.() === 0;
  for (const file of task.files) {
    const result: FileResult = { fid: file.fid, chunks: [], done: true };
    let fd: number | undefined;
    try {
      fd = openSync(file.target, 'w', 0o600);
      let position = 0;
      for (const chunk of file.chunks) {
        const payload = chunk.payload ? Buffer.from(chunk.payload.buffer, chunk.payload.byteOffset, chunk.payload.byteLength) : Buffer.allocUnsafe(chunk.length);
        const n = chunk.payload ? chunk.payload.byteLength : readSync(packFd(chunk.packPath), payload, 0, chunk.length, chunk.offset);
        if (n !== chunk.length) throw Object.assign(new Error(`${chunk.packPath}: pack file is truncated`), { code: 'ERR_VAULT_CORRUPT' });
        const raw = decodeBlob(payload, chunk.comp, chunk.rawLength, Buffer.from(chunk.id, 'hex'), { encKey, idKey }, `${chunk.packPath} (blob ${chunk.id.slice(0, 12)})`);
        writeSkippingZeros(fd, raw, position);
        position += raw.length;
      }
      ftruncateSync(fd, position);
      if (canChown) fchownSync(fd, file.uid, file.gid);
      fchmodSync(fd, file.mode & 0o7777);
      const seconds = mtimeSeconds(file.mtimeNs);
      futimesSync(fd, seconds, seconds);
    } catch (error) {
      const err = error as NodeJS.ErrnoException & { code?: string };
      result.error = { code: err.code ?? 'EIO', message: err.message };
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
    results.push(result);
  }
  port.postMessage({ kind: 'result', batch: task.batch, files: results, last: true });
}

/**
 * Writes `data` at `position`, leaving 64 KiB blocks of zeros unwritten: the final ftruncate
 * gives the file its size, so holes of a sparse file stay holes. Runs of data are one write each.
 */
function writeSkippingZeros(fd: number, data: Buffer, position: number): void {
  let runStart = -1;
  const flush = (end: number) => {
    let done = runStart;
    while (done < end) done += writeSync(fd, data, done, end - done, position + done);
    runStart = -1;
  };
  for (let at = 0; at < data.length; at += HOLE_BLOCK) {
    const end = Math.min(at + HOLE_BLOCK, data.length);
    const isZero = data.subarray(at, end).equals(zeros.subarray(0, end - at));
    if (isZero && runStart >= 0) flush(at);
    else if (!isZero && runStart < 0) runStart = at;
  }
  if (runStart >= 0) flush(data.length);
}
