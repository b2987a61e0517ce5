import { existsSync } from 'node:fs';
import path from 'node:path';
import { readSecret } from '../../../config/secrets.js';
import { isVigilError } from '../../../domain/errors.js';
import type { EngineProblem, EngineSetContext } from '../../engine.js';
import { findOnPath } from '../../find-program.js';
import type { ResticSetConfig } from './config.js';

/**
 * What would stop a restic set from running here, each with its key: a source path missing,
 * restic not installed, the password unreadable, a local repository not created, the working
 * directory missing. Opens nothing and runs nothing.
 */
export function resticProblems(context: EngineSetContext<ResticSetConfig>, env: NodeJS.ProcessEnv): EngineProblem[] {
  const set = context.config;
  const problems: EngineProblem[] = [];
  set.paths.forEach((p, index) => {
    if (!existsSync(p)) problems.push({ key: ['paths', index], message: `${p} does not exist` });
  });
  if (!findOnPath(set.program, env)) problems.push({ key: ['program'], message: `${set.program} is not installed (on Debian: apt install restic)` });
  try {
    readSecret(set.password, `sets.${context.name}.password`, env);
  } catch (error) {
    if (!isVigilError(error)) throw error;
    // The key is the problem's location already; the message need not repeat it.
    problems.push({ key: ['password'], message: error.message.replace(/^[^:]+: /, '') });
  }
  if (isLocalRepository(set.repository) && !existsSync(localPath(set.repository))) {
    problems.push({ key: ['repository'], message: `repository ${set.repository} does not exist; create it with \`restic init --repo ${set.repository}\`` });
  }
  if (set.cwd && !existsSync(set.cwd)) problems.push({ key: ['cwd'], message: `working directory ${set.cwd} does not exist` });
  return problems;
}

function isLocalRepository(repository: string): boolean {
  return repository.startsWith('/') || repository.startsWith('local:');
}

function localPath(repository: string): string {
  return path.normalize(repository.replace(/^local:/, ''));
}
