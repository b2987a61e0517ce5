import type { EngineProgress } from '../../engine.js';

/**
 * restic draws its counters ("[0:03] 42.00%  21 / 50 packs") only on a terminal; with
 * RESTIC_PROGRESS_FPS set it prints them as lines on any output, which is how Vigil reads the
 * progress of `check`, `forget --prune` and `prune`. Two a second is plenty for the display.
 */
export const PROGRESS_ENV = { RESTIC_PROGRESS_FPS: '2' };

/** A counter line as EngineProgress (the counted things in `unit`), or undefined for any other line. */
export function parseProgressLine(line: string): EngineProgress | undefined {
  const counted = /^\[(?:\d+:)*\d+\]\s+[\d.]+%\s+(\d+)\s*\/\s*(\d+)\s+(.+?)\s*$/.exec(line);
  if (counted) return { filesDone: Number(counted[1]), filesTotal: Number(counted[2]), bytesDone: 0, unit: counted[3]! };
  const open = /^\[(?:\d+:)*\d+\]\s+(\d+)\s+(\D.*?)\s*$/.exec(line);
  if (open) return { filesDone: Number(open[1]), bytesDone: 0, unit: open[2]! };
  return undefined;
}

/** The JSON `status` lines of `restic restore --json` (restic 0.16 and later; older ones print none). */
export function parseRestoreStatus(line: string): EngineProgress | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value = JSON.parse(line) as { message_type?: string; total_files?: number; files_restored?: number; total_bytes?: number; bytes_restored?: number; seconds_remaining?: number };
    if (value.message_type !== 'status') return undefined;
    return {
      filesDone: value.files_restored ?? 0,
      bytesDone: value.bytes_restored ?? 0,
      ...(value.total_files !== undefined ? { filesTotal: value.total_files } : {}),
      ...(value.total_bytes !== undefined ? { bytesTotal: value.total_bytes } : {}),
      ...(value.seconds_remaining !== undefined ? { etaSeconds: value.seconds_remaining } : {}),
    };
  } catch {
    return undefined;
  }
}
