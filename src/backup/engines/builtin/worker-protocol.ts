/** Messages between the engine (main thread) and its worker threads. */

export interface WorkerInit {
  chunkerSeed: Uint8Array;
  idKey: Uint8Array | null;
  encKey: Uint8Array | null;
}

/** Tell the worker these blob ids (32 bytes each, concatenated) are already stored. */
export interface KnownMessage {
  kind: 'known';
  ids: Uint8Array;
}

export interface BackupTask {
  kind: 'backup';
  batch: number;
  files: { fid: number; path: string }[];
}

export interface RestoreChunk {
  id: string;
  /** The pack file to read from (local vaults), or only where it is, for messages, when `payload` is given. */
  packPath: string;
  /** The stored bytes, read by the main thread from a vault that is not a local directory. */
  payload?: Uint8Array;
  offset: number;
  length: number;
  comp: number;
  rawLength: number;
}

export interface RestoreFile {
  fid: number;
  target: string;
  size: number;
  mode: number;
  mtimeNs: string;
  uid: number;
  gid: number;
  chunks: RestoreChunk[];
}

export interface RestoreTask {
  kind: 'restore';
  batch: number;
  files: RestoreFile[];
}

export type ToWorker = KnownMessage | BackupTask | RestoreTask;

export interface ChunkResult {
  id: string;
  size: number;
  /** Present only when the worker did not know the blob: compressed, sealed bytes. */
  payload?: Uint8Array;
  comp?: number;
}

export interface FileResult {
  fid: number;
  chunks: ChunkResult[];
  /** The file is finished (more results follow for a large file otherwise). */
  done: boolean;
  /** errno code and message when the file could not be read or written. */
  error?: { code: string; message: string };
}

export interface ResultMessage {
  kind: 'result';
  batch: number;
  files: FileResult[];
  /** The batch is complete. */
  last: boolean;
}

export type FromWorker = ResultMessage;
