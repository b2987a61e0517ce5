import type { EngineProgress } from '../../engine.js';

/**
 * Progress for `vigil run`'s bar: throttled to a few calls a second, with a rate averaged over
 * the recent past and an ETA once the walk has counted everything.
 */
export class ProgressMeter {
  filesDone = 0;
  bytesDone = 0;
  filesTotal: number | undefined;
  bytesTotal: number | undefined;
  currentPath: string | undefined;
  /** What filesDone/filesTotal count when not files (prune: snapshots read, packs rewritten). */
  unit: string | undefined;
  /** Reads the bytes stored so far (a PackWriter's), shown as uploaded. */
  uploaded: (() => number) | undefined;
  private lastEmit = 0;
  private lastBytes = 0;
  private rate: number | undefined;

  constructor(
    private readonly onProgress: (progress: EngineProgress) => void,
    private readonly intervalMs = 250,
  ) {}

  tick(force = false): void {
    const now = performance.now();
    if (!force && now - this.lastEmit < this.intervalMs) return;
    if (this.lastEmit > 0 && now > this.lastEmit) {
      const instant = ((this.bytesDone - this.lastBytes) * 1000) / (now - this.lastEmit);
      this.rate = this.rate === undefined ? instant : 0.7 * this.rate + 0.3 * instant;
    }
    this.lastEmit = now;
    this.lastBytes = this.bytesDone;
    const progress: EngineProgress = { filesDone: this.filesDone, bytesDone: this.bytesDone };
    if (this.filesTotal !== undefined) progress.filesTotal = this.filesTotal;
    if (this.bytesTotal !== undefined) progress.bytesTotal = this.bytesTotal;
    if (this.rate !== undefined) progress.rate = Math.round(this.rate);
    if (this.rate && this.bytesTotal !== undefined) progress.etaSeconds = Math.max(0, Math.round((this.bytesTotal - this.bytesDone) / this.rate));
    if (this.currentPath !== undefined) progress.currentPath = this.currentPath;
    if (this.unit !== undefined) progress.unit = this.unit;
    if (this.uploaded !== undefined) progress.bytesUploaded = this.uploaded();
    try {
      this.onProgress(progress);
    } catch {
      // A progress consumer's bug must not fail the backup.
    }
  }
}
