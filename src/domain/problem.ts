/** Where a problem is in vigil.yaml: keys and list indexes from the top, e.g. `['sets', 'docs', 'paths', 0]`. */
export type KeyPath = ReadonlyArray<string | number>;

/** An error stops Vigil from starting (and fails `config check`); a warning is said and carries on. */
export type ProblemSeverity = 'error' | 'warning';

/**
 * The one shape of "a problem found" in the configuration or on this machine — by a schema-level
 * check, a set's engine, a transport's or channel's environment check — before it is located in
 * the file (`ConfigProblem`, file:line) or shown. `path` is the key to fix: from the top of
 * vigil.yaml, or from the part the producer was given (an engine names keys under
 * `sets.<name>`; the check that asked it re-roots them with `problemUnder`).
 */
export interface Problem {
  path: KeyPath;
  message: string;
  severity: ProblemSeverity;
  /** The value found at `path`, when the message is clearer with it kept apart (e.g. in JSON output). */
  value?: unknown;
  /** What to do about it, when the message does not already say. */
  hint?: string;
}

/** `a.b.0.c`: a key path as `config check` prints it. */
export function dottedPath(path: KeyPath): string {
  return path.map(String).join('.');
}

/** The same problem, its key path placed under `prefix` (a set's, a profile's). */
export function problemUnder(prefix: KeyPath, problem: Problem): Problem {
  return { ...problem, path: [...prefix, ...problem.path] };
}
