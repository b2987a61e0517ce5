import path from 'node:path';
import { checkConfigText } from '../../config/load.js';
import { readConfigFile } from '../../config/read-config-file.js';
import type { ProfileVerification } from '../../config/environment-checks.js';
import { machineProblems } from '../../app/environment-checks.js';
import { formatProblem, locatedProblem, type ConfigProblem } from '../../config/problems.js';
import type { Problem } from '../../domain/problem.js';
import { YamlSourceMap } from '../../config/source-map.js';
import { profileFingerprint } from '../../app/profile-fingerprint.js';
import { openStore, storeExists, type StoreConfig } from '../../app/open-store.js';
import { isVigilError } from '../../domain/errors.js';
import { EXIT, type Command } from '../command.js';
import { printJson } from '../output.js';

export const configCheckCommand: Command = {
  name: 'config check',
  summary: 'validate vigil.yaml; every problem as file:line: key: message',
  usage: '[--config PATH] [--json] [--service]   (--service: check as the systemd service will run it)',
  options: { service: { type: 'boolean' } },
  exitCodes: { 0: 'valid (warnings may be printed)', 2: 'the file has errors, or cannot be read' },
  async run(ctx, { values }) {
    const text = readConfigFile(ctx.configFile);
    const { config, problems } = checkConfigText(text, ctx.configFile);
    const all: ConfigProblem[] = [...problems];
    if (config) {
      const dataDir = path.resolve(path.dirname(ctx.configFile), config.dataDir);
      const source = new YamlSourceMap(text);
      const file = path.relative(process.cwd(), ctx.configFile) || ctx.configFile;
      const { verifications, problem } = await readVerifications({ ...config, dataDir }, path.dirname(ctx.configFile), ctx.env);
      if (problem) all.push(locatedProblem(file, source.lineOf(problem.path), problem));
      for (const p of machineProblems(config, { env: ctx.env, verifications, fingerprint: (name) => profileFingerprint(config.profiles[name]!), asService: values.service === true })) {
        all.push(locatedProblem(file, source.lineOf(p.path), p));
      }
    }
    const errors = all.filter((p) => p.severity === 'error');
    if (ctx.json) {
      printJson(ctx.stdout, { file: ctx.configFile, valid: errors.length === 0, problems: all });
    } else {
      for (const problem of all) (problem.severity === 'error' ? ctx.stderr : ctx.stdout).write(formatProblem(problem) + '\n');
      if (errors.length === 0) ctx.stdout.write(`${ctx.configFile}: valid${all.length ? ` (${all.length} warning(s))` : ''}\n`);
      else ctx.stderr.write(`${ctx.configFile}: ${errors.length} error(s)\n`);
    }
    return errors.length === 0 ? EXIT.ok : EXIT.usage;
  },
};

/**
 * Reads which profiles were verified, without creating a database that isn't there yet. With
 * `database:` this connects: a missing password, an unreadable CA file or an unreachable
 * database is a problem of the key that causes it, found now rather than at the service's start.
 */
async function readVerifications(
  config: StoreConfig,
  baseDir: string,
  env: NodeJS.ProcessEnv,
): Promise<{ verifications: ProfileVerification[]; problem?: Problem }> {
  if (!storeExists(config)) return { verifications: [] };
  let store;
  try {
    store = await openStore(config, { baseDir, env });
  } catch (error) {
    if (!isVigilError(error) || !config.database) throw error;
    const key = error.code === 'ERR_SECRET_UNREADABLE' ? ['database', 'password'] : error.message.startsWith('database.tls.caFile') ? ['database', 'tls', 'caFile'] : ['database', 'url'];
    return { verifications: [], problem: { path: key, message: `${error.message}${error.hint ? ` (${error.hint})` : ''}`, severity: 'error' } };
  }
  try {
    return { verifications: (await store.profiles.all()).map((p) => ({ name: p.name, verifiedFingerprint: p.verifiedFingerprint })) };
  } finally {
    await store.close();
  }
}
