import { existsSync } from 'node:fs';
import type { VigilConfig } from '../../config/schema/index.js';
import type { SemanticProblem } from '../../config/problems.js';
import { commandProblems } from './command/index.js';
import { resticProblems } from './restic/index.js';

// Moved from src/config/set-checks.ts so that config/ imports no engine; `config check` gets it
// through src/app/environment-checks.ts.
/**
 * On this machine: the paths a set backs up exist, its command is executable, restic is
 * installed and its password readable. The same faults at run time fail the run with the reason.
 */
export function setEnvironmentProblems(config: VigilConfig, env: NodeJS.ProcessEnv): SemanticProblem[] {
  const problems: SemanticProblem[] = [];
  for (const [name, set] of Object.entries(config.sets)) {
    const at = ['sets', name];
    if (set.engine === 'builtin' || set.engine === 'restic') {
      set.paths.forEach((p, index) => {
        if (!existsSync(p)) problems.push({ path: [...at, 'paths', index], message: `${p} does not exist`, severity: 'error' });
      });
    }
    if (set.engine === 'command') {
      for (const message of commandProblems(set, env)) problems.push({ path: [...at, message.startsWith('working directory') ? 'cwd' : 'command'], message, severity: 'error' });
    }
    if (set.engine === 'restic') {
      for (const message of resticProblems(set, env, `sets.${name}.password`)) {
        const key = message.includes('not installed') ? 'program' : message.startsWith('repository') ? 'repository' : 'password';
        problems.push({ path: [...at, key], message, severity: 'error' });
      }
      if (set.cwd && !existsSync(set.cwd)) problems.push({ path: [...at, 'cwd'], message: `working directory ${set.cwd} does not exist`, severity: 'error' });
    }
  }
  return problems;
}
