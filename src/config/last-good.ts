import { chmodSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { VigilError } from '../domain/errors.js';
import { loadConfig, loadConfigText, type LoadedConfig } from './load.js';
import { readConfigFile } from './read-config-file.js';
import { DEFAULT_DATA_DIR } from './schema/index.js';

/**
 * The last configuration the service ran with, kept in dataDir. A vigil.yaml broken by an edit
 * stops the service (exit 2, not restarted) and systemd then runs `vigil notify fault
 * service-failed`, which needs a configuration to know who to tell and how: with only the broken
 * file, that alert failed as well and nobody was told. Mode 600: an inline secret in vigil.yaml
 * is as private here as in the original.
 */
export const LAST_GOOD_FILE = 'last-good-config.yaml';

/** Keeps the text `loaded` came from as the last good configuration (atomically: never half written). */
export function saveLastGoodConfig(loaded: LoadedConfig): void {
  if (loaded.text === undefined) return;
  const target = path.join(loaded.config.dataDir, LAST_GOOD_FILE);
  const temporary = `${target}.tmp`;
  writeFileSync(temporary, loaded.text, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, target);
}

export interface FallbackConfig {
  loaded: LoadedConfig;
  /** When the service saved it. */
  savedAt: Date;
  /** Why vigil.yaml itself could not be used: its first problem, one line. */
  problem: string;
}

/**
 * vigil.yaml, or — when it is invalid and the service saved one — the last good configuration,
 * read as if it were vigil.yaml (relative paths resolve the same). For commands that must reach
 * someone even then (`vigil notify fault`). A missing or unreadable vigil.yaml is not fallen back
 * from: that is an installation problem the caller reports as is.
 */
export function loadConfigOrLastGood(file: string): LoadedConfig | FallbackConfig {
  let broken: VigilError;
  try {
    return loadConfig(file);
  } catch (error) {
    if (!(error instanceof VigilError) || error.code !== 'ERR_CONFIG_INVALID') throw error;
    broken = error;
  }
  const saved = path.join(dataDirOfBroken(file), LAST_GOOD_FILE);
  let savedAt: Date;
  let loaded: LoadedConfig;
  try {
    savedAt = statSync(saved).mtime;
    loaded = loadConfigText(readConfigFile(saved), file);
  } catch {
    throw broken;
  }
  const problem = broken.message.split('\n').slice(1).find((line) => line.trim()) ?? broken.message;
  // Problems read `file:line: key: message`; the file is named once, in front.
  return { loaded, savedAt, problem: `${file} is invalid: ${problem.trim().replace(/^.*?:(\d+):\s*/, 'line $1: ')}` };
}

/**
 * dataDir as the broken file names it (what parses of it), resolved like loadConfig does; the
 * default when it names none.
 */
function dataDirOfBroken(file: string): string {
  let dataDir: unknown;
  try {
    dataDir = parseDocument(readConfigFile(file)).get('dataDir');
  } catch {
    dataDir = undefined;
  }
  const named = typeof dataDir === 'string' && dataDir.length > 0 ? dataDir : DEFAULT_DATA_DIR;
  return path.resolve(path.dirname(file), named);
}
