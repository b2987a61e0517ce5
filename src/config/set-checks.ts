import type { Problem } from '../domain/problem.js';
import path from 'node:path';
import type { VigilConfig } from './schema/index.js';
import { scheduleProblem } from '../backup/schedule.js';
import { localRepositoryPath, rootsContaining } from '../backup/paths-overlap.js';
import { localVaultPath } from './vault-path.js';
import { isValidTimezone } from './schema/admin.js';

/** Pure: every set's schedule parses (cron expression and timezone). */
export function setScheduleProblems(config: VigilConfig): Problem[] {
  const problems: Problem[] = [];
  for (const [name, set] of Object.entries(config.sets)) {
    if (set.timezone && !set.schedule) problems.push({ path: ['sets', name, 'timezone'], message: 'has no effect without a schedule', severity: 'warning' });
    if (set.engine !== 'command' && set.prune) {
      const pruneProblem = scheduleProblem(set.prune, set.timezone);
      if (pruneProblem) problems.push({ path: ['sets', name, 'prune'], message: `"${set.prune}" is not a cron expression (${pruneProblem}); write e.g. "0 4 * * sun"`, severity: 'error' });
      if (set.engine === 'restic' && !set.keep) problems.push({ path: ['sets', name, 'prune'], message: 'has no effect without keep: (restic forgets nothing without a policy)', severity: 'warning' });
    }
    if (!set.schedule) continue;
    // The zone is checked on its own, so each problem is put on its key without reading the
    // cron library's message to guess which of the two it was about.
    if (set.timezone && !isValidTimezone(set.timezone)) {
      problems.push({ path: ['sets', name, 'timezone'], message: `"${set.timezone}" is not a time zone; write an IANA name such as Europe/Berlin`, severity: 'error' });
      continue;
    }
    const problem = scheduleProblem(set.schedule, set.timezone);
    if (problem) problems.push({ path: ['sets', name, 'schedule'], message: `"${set.schedule}" is not a cron expression (${problem}); write e.g. "0 2 * * *"`, severity: 'error' });
  }
  return problems;
}

/**
 * Pure: a builtin vault or a local restic repository inside its own set's paths. The engines
 * leave it out of the backup (it would back itself up every run); the warning says so, so the
 * layout can be changed on purpose.
 */
export function storeInsidePathsProblems(config: VigilConfig): Problem[] {
  const problems: Problem[] = [];
  for (const [name, set] of Object.entries(config.sets)) {
    if (set.engine === 'command') continue;
    const roots = set.paths.map((p) => path.resolve(config.dataDir, p));
    const store = set.engine === 'builtin' ? localVaultPath(config.dataDir, set) : localRepositoryPath(set.repository, set.cwd ?? config.dataDir);
    if (!store) continue;
    const around = rootsContaining(store, roots);
    if (around.length === 0) continue;
    const what = set.engine === 'builtin' ? `the vault ${store}${set.vault ? '' : ' (the default, under dataDir)'}` : `the repository ${store}`;
    const key = set.engine === 'builtin' ? 'vault' : 'repository';
    const explicit = set.engine === 'restic' || set.vault !== undefined;
    problems.push({
      path: explicit ? ['sets', name, key] : ['sets', name, 'paths', roots.indexOf(around[0]!)],
      message: `${what} lies inside ${around.join(', ')}; it is excluded from the backup automatically (give ${key}: a path outside the backed-up paths to silence this)`,
      severity: 'warning',
    });
  }
  return problems;
}
