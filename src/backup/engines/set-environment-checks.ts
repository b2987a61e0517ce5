import { problemUnder, type Problem } from '../../domain/problem.js';
import type { VigilConfig } from '../../config/schema/index.js';
import type { BackupEngine } from '../engine.js';

/**
 * On this machine: what each set's engine says would stop it from running (the paths it backs up
 * missing, its command not executable, restic not installed or its password unreadable), at the
 * key the engine names — for `config check`, which gets it through src/app/environment-checks.ts
 * so that config/ imports no engine. The same faults at run time fail the run with the reason.
 */
export function setEnvironmentChecks(engines: ReadonlyMap<string, BackupEngine>) {
  return (config: VigilConfig, env: NodeJS.ProcessEnv): Problem[] => {
    const problems: Problem[] = [];
    for (const [name, set] of Object.entries(config.sets)) {
      for (const problem of engines.get(set.engine)?.problems?.({ name, config: set, dataDir: config.dataDir }, env) ?? []) {
        problems.push(problemUnder(['sets', name], problem));
      }
    }
    return problems;
  };
}
