import { existsSync } from 'node:fs';
import path from 'node:path';
import { readSecret } from '../../../config/secrets.js';
import { isVigilError } from '../../../domain/errors.js';
import type { Problem } from '../../../domain/problem.js';
import type { EngineSetContext } from '../../engine.js';
import { findOnPath } from '../../find-program.js';
import type { ResticSetConfig } from './config.js';

/**
 * What would stop a restic set from running here, each with its key: a source path missing,
 * restic not installed, the password unreadable, a local repository not created, the working
 * directory missing. Opens nothing and runs nothing.
 */
export function resticProblems(context: EngineSetContext<ResticSetConfig>, env: NodeJS.ProcessEnv): Problem[] {
  const set = context.config;
  const problems: Problem[] = [];
  set.paths.forEach((p, index) => {
    if (!existsSync(p)) problems.push({ path: ['paths', index], message: `${p} does not exist`, severity: 'error' });
  });
  if (!findOnPath(set.program, env)) problems.push({ path: ['program'], message: `${set.program} is not installed (on Debian: apt install restic)`, severity: 'error' });
  try {
    readSecret(set.password, `sets.${context.name}.password`, env);
  } catch (error) {
    if (!isVigilError(error)) throw error;
    // The key is the problem's location already; the message need not repeat it.
    problems.push({ path: ['password'], message: error.message.replace(/^[^:]+: /, ''), severity: 'error' });
  }
  if (isLocalRepository(set.repository) && !existsSync(localPath(set.repository))) {
    problems.push({ path: ['repository'], message: `repository ${set.repository} does not exist; create it with \`restic init --repo ${set.repository}\``, severity: 'error' });
  }
  if (set.cwd && !existsSync(set.cwd)) problems.push({ path: ['cwd'], message: `working directory ${set.cwd} does not exist`, severity: 'error' });
  return problems;
}

function isLocalRepository(repository: string): boolean {
  return repository.startsWith('/') || repository.startsWith('local:');
}

function localPath(repository: string): string {
  return path.normalize(repository.replace(/^local:/, ''));
}
