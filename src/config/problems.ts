import { dottedPath, type Problem } from '../domain/problem.js';

/** A configuration problem, located in the file: `file:line: key.path: message`. */
export interface ConfigProblem {
  file: string;
  line: number;
  /** Dotted key path, e.g. `profiles.office.servers.0.port`. Empty for the whole file. */
  path: string;
  message: string;
  severity: 'error' | 'warning';
}

/** A problem a check found, located at `line` of `file` (the line of its key path). */
export function locatedProblem(file: string, line: number, problem: Problem): ConfigProblem {
  return { file, line, path: dottedPath(problem.path), message: problem.message, severity: problem.severity };
}

export function formatProblem(problem: ConfigProblem): string {
  const where = `${problem.file}:${problem.line}`;
  const prefix = problem.severity === 'warning' ? 'warning: ' : '';
  return problem.path ? `${where}: ${prefix}${problem.path}: ${problem.message}` : `${where}: ${prefix}${problem.message}`;
}
