import path from 'node:path';
import type { z } from 'zod';
import { configSchema, type VigilConfig } from './schema/index.js';
import { YamlSourceMap } from './source-map.js';
import { formatProblem, locatedProblem, type ConfigProblem } from './problems.js';
import { semanticProblems } from './semantic-checks.js';
import { reachProblems } from './reach-checks.js';
import { issueMessage } from './issue-message.js';
import { readConfigFile } from './read-config-file.js';
import { VigilError } from '../domain/errors.js';

export interface LoadedConfig {
  /** Absolute path of the file it came from. */
  file: string;
  config: VigilConfig;
  /** Warnings worth showing (errors make loading fail). */
  warnings: ConfigProblem[];
  /** The text it was loaded from (kept as the last good configuration: last-good.ts). */
  text?: string;
}

export const DEFAULT_CONFIG_FILE = 'vigil.yaml';

/** YAML aliases (`*ops`) a configuration may expand; a shared recipient list needs a handful. */
export const MAX_YAML_ALIASES = 100;

/** `--config`, then VIGIL_CONFIG, then ./vigil.yaml. */
export function resolveConfigPath(explicit: string | undefined, env: NodeJS.ProcessEnv): string {
  return path.resolve(explicit ?? env.VIGIL_CONFIG ?? DEFAULT_CONFIG_FILE);
}

/**
 * Parses and validates vigil.yaml. Returns every problem at once; `config` is present only when
 * there is no error. The config is frozen: nothing changes it after validation.
 */
export function checkConfigText(text: string, file: string): { config?: VigilConfig; problems: ConfigProblem[] } {
  const source = new YamlSourceMap(text);
  const problems: ConfigProblem[] = [];
  const display = path.relative(process.cwd(), file) || file;

  for (const error of [...source.document.errors, ...source.document.warnings]) {
    problems.push({
      file: display,
      line: source.lineOfOffset(error.pos[0]),
      path: '',
      message: error.message.split('\n')[0] ?? error.message,
      severity: source.document.errors.includes(error as never) ? 'error' : 'warning',
    });
  }
  if (source.document.errors.length > 0) return { problems };

  let raw: unknown;
  try {
    raw = source.document.toJS({ maxAliasCount: MAX_YAML_ALIASES }) ?? {};
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    // An alias bomb: a few lines of anchors that expand to billions of nodes.
    problems.push({ file: display, line: source.lineOfFirstAlias(), path: '', message: `too many YAML aliases (*name): at most ${MAX_YAML_ALIASES} expansions are allowed`, severity: 'error' });
    return { problems };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    problems.push({ file: display, line: 1, path: '', message: 'the file must be a YAML mapping (key: value lines)', severity: 'error' });
    return { problems };
  }

  // reportInput: the messages say what was found (issueMessage keeps secrets out of them).
  const parsed = configSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(...problemsOfIssue(issue, source, display));
    return { problems: sortProblems(problems) };
  }

  for (const problem of [...semanticProblems(parsed.data), ...reachProblems(parsed.data)]) {
    problems.push(locatedProblem(display, source.lineOf(problem.path), problem));
  }
  const hasError = problems.some((p) => p.severity === 'error');
  return hasError ? { problems: sortProblems(problems) } : { config: deepFreeze(parsed.data), problems: sortProblems(problems) };
}

/** Reads and validates the file; throws ERR_CONFIG_NOT_FOUND / ERR_CONFIG_INVALID listing every problem. */
export function loadConfig(file: string): LoadedConfig {
  return loadConfigText(readConfigFile(file), file);
}

/** Validates `text` as if it were `file` (relative paths resolve from the file's directory). */
export function loadConfigText(text: string, file: string): LoadedConfig {
  const { config, problems } = checkConfigText(text, file);
  if (!config) {
    const errors = problems.filter((p) => p.severity === 'error');
    throw new VigilError('ERR_CONFIG_INVALID', `${errors.length} problem(s) in ${file}:\n${problems.map(formatProblem).join('\n')}`);
  }
  return { file, config: resolveDataDir(config, file), warnings: problems, text };
}

/** dataDir is relative to the configuration file, not to wherever the command runs. */
function resolveDataDir(config: VigilConfig, file: string): VigilConfig {
  if (path.isAbsolute(config.dataDir)) return config;
  return deepFreeze({ ...config, dataDir: path.resolve(path.dirname(file), config.dataDir) });
}

function problemsOfIssue(issue: z.core.$ZodIssue, source: YamlSourceMap, file: string): ConfigProblem[] {
  const at = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const keyPath = [...at, key];
      return locatedProblem(file, source.lineOfKey(keyPath), { path: keyPath, message: `unknown key${suggestion(key)}`, severity: 'error' });
    });
  }
  return [locatedProblem(file, source.lineOf(at), { path: at, message: issueMessage(issue, at), severity: 'error' })];
}

const KNOWN_TYPOS: Record<string, string> = { server: 'servers', password: 'pass', username: 'user', clients: 'clientsSupported' };
function suggestion(key: string): string {
  const known = KNOWN_TYPOS[key];
  return known ? ` (did you mean "${known}"?)` : '';
}

function sortProblems(problems: ConfigProblem[]): ConfigProblem[] {
  return [...problems].sort((a, b) => a.line - b.line);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
