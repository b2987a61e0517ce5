import { damageSummary, type DamagedSnapshot } from '../../../domain/damage-report.js';
import { runChild } from '../../child-process.js';

/** Damaged packs looked up with `restic find --pack` (each a walk of every snapshot's tree). */
const MAX_PACKS = 5;
/** For all the lookups together: the verdict is already known, this only adds names to it. */
const FIND_BUDGET_MS = 10 * 60_000;

/** Pack ids restic's check names as damaged ("Pack ID does not match, want <id>, got …", "pack <id>: …"). */
export function damagedPackIds(lines: readonly string[]): string[] {
  const ids = new Set<string>();
  for (const line of lines) {
    const match = /want ([0-9a-f]{64})/.exec(line) ?? /\bpack ([0-9a-f]{64})/i.exec(line);
    if (match) ids.add(match[1]!);
  }
  return [...ids];
}

/**
 * Names the files and snapshots with data in the damaged packs (`restic find --pack`), as one
 * line like the builtin engine's verdict. restic does not say which blob of a pack is damaged,
 * so these are the files that *may* be affected. Undefined when nothing could be looked up.
 */
export async function describeResticDamage(program: string, repository: string, set: string, packs: readonly string[], env: NodeJS.ProcessEnv, signal: AbortSignal): Promise<string | undefined> {
  const snapshots = new Map<string, DamagedSnapshot>();
  const deadline = Date.now() + FIND_BUDGET_MS;
  for (const pack of packs.slice(0, MAX_PACKS)) {
    if (Date.now() >= deadline) return undefined;
    let file: string | undefined;
    const result = await runChild({
      argv: [program, 'find', '--pack', pack],
      env,
      signal,
      timeoutMs: deadline - Date.now(),
      maxLineLength: 64 * 1024,
      onLine(stream, line) {
        if (stream !== 'stdout') return;
        const inFile = /^\s*\.\.\. in file (.*)$/.exec(line);
        if (inFile) file = inFile[1];
        const inSnapshot = /^\s*\.\.\. in snapshot ([0-9a-f]+) \((.*)\)$/.exec(line);
        if (inSnapshot && file !== undefined) {
          const [, id, time] = inSnapshot as unknown as [string, string, string];
          const snapshot = snapshots.get(id) ?? { id, set, time, files: [] };
          if (!snapshot.files.includes(file)) snapshot.files.push(file);
          snapshots.set(id, snapshot);
        }
      },
    });
    if (result.exitCode !== 0) return undefined;
  }
  const files = packs.map((pack) => `pack ${pack}`);
  return damageSummary(repository, files, [...snapshots.values()]).replace(/^damaged data in /, 'damaged packs in ').replace('cannot be fully restored', 'have data in them');
}
