/**
 * The one-line verdict of a check that found damage: which snapshots and files cannot be restored
 * and which vault files are damaged. It is the check's first error, so it is what the
 * `vault-check-failed` fault, `vigil activity` and the weekly summary show.
 */

/** A snapshot with files whose data is damaged or missing. */
export interface DamagedSnapshot {
  id: string;
  set: string;
  time: string;
  /** Source paths that cannot be restored from this snapshot (every one, when its tree is unreadable: then empty and `treeUnreadable`). */
  files: string[];
  treeUnreadable?: boolean;
}

/** How many names each list shows before "and N more". */
const SHOWN = 5;

export function damageSummary(root: string, damagedFiles: readonly string[], snapshots: readonly DamagedSnapshot[]): string {
  const files = [...new Set(snapshots.flatMap((s) => s.files))];
  const parts = [`damaged data in ${root}`];
  if (snapshots.length === 0) parts.push(`no snapshot uses it`);
  else {
    parts.push(`${count(snapshots.length, 'snapshot')} cannot be fully restored: ${list(snapshots.map((s) => `${s.id.slice(0, 12)} (${s.set}, ${s.time}${s.treeUnreadable ? ', tree unreadable' : ''})`))}`);
    if (files.length) parts.push(`${count(files.length, 'file')}: ${list(files)}`);
  }
  if (damagedFiles.length) parts.push(`damaged vault ${damagedFiles.length === 1 ? 'file' : 'files'}: ${list(damagedFiles)}`);
  return parts.join('; ');
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function list(items: readonly string[]): string {
  const shown = items.slice(0, SHOWN).join(', ');
  return items.length > SHOWN ? `${shown} and ${items.length - SHOWN} more` : shown;
}
