/** A configuration problem, located in the file: `file:line: key.path: message`. */
export interface ConfigProblem {
  file: string;
  line: number;
  /** Dotted key path, e.g. `profiles.office.servers.0.port`. Empty for the whole file. */
  path: string;
  message: string;
  severity: 'error' | 'warning';
}

export function formatProblem(problem: ConfigProblem): string {
  const where = `${problem.file}:${problem.line}`;
  const prefix = problem.severity === 'warning' ? 'warning: ' : '';
  return problem.path ? `${where}: ${prefix}${problem.path}: ${problem.message}` : `${where}: ${prefix}${problem.message}`;
}

export type KeyPath = ReadonlyArray<string | number>;

/** A problem a check found, located by key path (load.ts turns it into a ConfigProblem with a line). */
export interface SemanticProblem {
  path: KeyPath;
  message: string;
  severity: 'error' | 'warning';
}

export function dottedPath(path: KeyPath): string {
  return path.map(String).join('.');
}
