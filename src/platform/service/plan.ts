import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { EXAMPLE_CONFIG } from '../../config/example.js';
import { schemaModeline } from '../../config/json-schema.js';
import { checkConfigText } from '../../config/load.js';
import { formatProblem } from '../../config/problems.js';
import { readConfigFile } from '../../config/read-config-file.js';
import type { VigilConfig } from '../../config/schema/index.js';
import { localRepositoryPath, liesUnder } from '../../backup/paths-overlap.js';
import { VigilError } from '../../domain/errors.js';
import { FAILED_UNIT, SERVICE_UNIT, failedUnit, serviceUnit } from './units.js';
import { localVaultPath } from '../../config/vault-path.js';

/**
 * One step of `vigil service install|uninstall`, described before anything is done so that
 * --dry-run prints exactly what a real run does. Paths are the system's (`/etc/vigil/…`); the
 * executor puts them under --root.
 */
export type ServiceAction =
  | { kind: 'user'; name: string; argv: string[] }
  | { kind: 'mkdir'; path: string; mode: number; owner: string; group: string }
  | { kind: 'write'; path: string; mode: number; owner: string; group: string; content: string }
  | { kind: 'keep'; path: string; why: string }
  | { kind: 'remove'; path: string }
  | { kind: 'run'; argv: string[]; why: string };

export interface ServicePlanOptions {
  /** Where `/` is: the real root, or --root DIR. */
  root: string;
  user: string;
  /** argv that runs this CLI (real node + real main.js). */
  command: readonly string[];
}

export const CONFIG_DIR = '/etc/vigil';
export const CONFIG_FILE = '/etc/vigil/vigil.yaml';
export const DATA_DIR = '/var/lib/vigil';
export const UNIT_DIR = '/etc/systemd/system';
const NOLOGIN = '/usr/sbin/nologin';

export function installPlan(o: ServicePlanOptions): ServiceAction[] {
  const at = (p: string) => path.join(o.root, p);
  const actions: ServiceAction[] = [];
  if (!userExists(o.root, o.user)) {
    actions.push({ kind: 'user', name: o.user, argv: ['useradd', '--system', '--user-group', '--home-dir', DATA_DIR, '--no-create-home', '--shell', NOLOGIN, o.user] });
  }
  if (!existsSync(at(CONFIG_DIR))) actions.push({ kind: 'mkdir', path: CONFIG_DIR, mode: 0o750, owner: 'root', group: o.user });
  let config: VigilConfig | undefined;
  if (existsSync(at(CONFIG_FILE))) {
    config = existingConfig(at(CONFIG_FILE));
    actions.push({ kind: 'keep', path: CONFIG_FILE, why: 'exists; never overwritten' });
  } else {
    actions.push({ kind: 'write', path: CONFIG_FILE, mode: 0o640, owner: 'root', group: o.user, content: serviceConfigText() });
  }
  const dataDir = config?.dataDir ?? DATA_DIR;
  if (!existsSync(at(dataDir))) actions.push({ kind: 'mkdir', path: dataDir, mode: 0o750, owner: o.user, group: o.user });
  const unit = { command: o.command, user: o.user, configFile: CONFIG_FILE, dataDir, storePaths: config ? storePaths(config) : [] };
  actions.push({ kind: 'write', path: `${UNIT_DIR}/${SERVICE_UNIT}`, mode: 0o644, owner: 'root', group: 'root', content: serviceUnit(unit) });
  actions.push({ kind: 'write', path: `${UNIT_DIR}/${FAILED_UNIT}`, mode: 0o644, owner: 'root', group: 'root', content: failedUnit(unit) });
  actions.push({ kind: 'run', argv: ['systemctl', 'daemon-reload'], why: 'make systemd read the units' });
  return actions;
}

/**
 * Uninstall removes what makes Vigil run (the units) and keeps what it has made: the
 * configuration, the data directory (activity log, Outbox, builtin vaults) and the account.
 */
export function uninstallPlan(o: ServicePlanOptions): ServiceAction[] {
  const at = (p: string) => path.join(o.root, p);
  const actions: ServiceAction[] = [{ kind: 'run', argv: ['systemctl', 'disable', '--now', SERVICE_UNIT], why: 'stop the service and its start at boot' }];
  for (const unit of [SERVICE_UNIT, FAILED_UNIT]) {
    const file = `${UNIT_DIR}/${unit}`;
    if (existsSync(at(file))) actions.push({ kind: 'remove', path: file });
  }
  actions.push({ kind: 'run', argv: ['systemctl', 'daemon-reload'], why: 'make systemd forget the units' });
  for (const kept of [CONFIG_DIR, DATA_DIR]) {
    if (existsSync(at(kept))) actions.push({ kind: 'keep', path: kept, why: `kept: remove it by hand (rm -r ${kept}) if it is no longer wanted` });
  }
  if (userExists(o.root, o.user)) actions.push({ kind: 'keep', path: `user ${o.user}`, why: `kept: userdel ${o.user} removes it` });
  return actions;
}

/** The example configuration with the one line a service needs changed: an absolute dataDir. */
export function serviceConfigText(): string {
  const text = EXAMPLE_CONFIG.replace(/^dataDir: \.\/var( *)/m, (_line, pad: string) => `dataDir: ${DATA_DIR}${pad.slice(DATA_DIR.length - './var'.length)}`);
  if (text === EXAMPLE_CONFIG) throw new Error('the example configuration has no "dataDir: ./var" line to replace');
  return schemaModeline() + text;
}

/**
 * A relative dataDir in the service's configuration resolves under /etc/vigil, which
 * ProtectSystem=strict makes read-only: `config check` would pass and `start` fail. Refuse it here.
 */
function existingConfig(file: string): VigilConfig {
  const { config, problems } = checkConfigText(readConfigFile(file), file);
  if (!config) {
    throw new VigilError('ERR_CONFIG_INVALID', `${problems.filter((p) => p.severity === 'error').length} problem(s) in ${file}:\n${problems.map(formatProblem).join('\n')}`);
  }
  if (!path.isAbsolute(config.dataDir)) {
    throw new VigilError('ERR_USAGE', `${file}: dataDir "${config.dataDir}" is relative: the service would keep its data under ${CONFIG_DIR}, which it may not write`, {
      hint: `Set dataDir: ${DATA_DIR} (an absolute path) in ${file}, then run \`vigil service install\` again.`,
    });
  }
  return config;
}

/** Builtin vaults and local restic repositories outside dataDir: the service must write them. */
function storePaths(config: VigilConfig): string[] {
  const paths = new Set<string>();
  for (const set of Object.values(config.sets)) {
    if (set.engine === 'command') continue;
    const store = set.engine === 'builtin' ? localVaultPath(config.dataDir, set) : localRepositoryPath(set.repository, set.cwd ?? config.dataDir);
    if (store && !liesUnder(store, config.dataDir)) paths.add(store);
  }
  return [...paths].sort();
}

function userExists(root: string, name: string): boolean {
  try {
    return readFileSync(path.join(root, 'etc/passwd'), 'utf8').split('\n').some((line) => line.split(':')[0] === name);
  } catch {
    return false;
  }
}
