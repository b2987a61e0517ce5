import type { Problem } from '../domain/problem.js';
import { environmentProblems, type AdapterEnvironmentCheck } from '../config/environment-checks.js';
import type { VigilConfig } from '../config/schema/index.js';
import { createEngines } from '../backup/engines/index.js';
import { setEnvironmentChecks } from '../backup/engines/set-environment-checks.js';
import { oauthEnvironmentProblems } from '../transports/oauth/config-checks.js';

/**
 * The adapters' machine-side checks for `vigil config check`, wired here (the composition root)
 * so that config/ never imports a transport or an engine. Order is the order they are reported.
 */
const ADAPTER_CHECKS: readonly AdapterEnvironmentCheck[] = [oauthEnvironmentProblems, setEnvironmentChecks(createEngines())];

/** Every check that looks at this machine: config's own, then the adapters'. */
export function machineProblems(config: VigilConfig, options: Omit<Parameters<typeof environmentProblems>[1], 'adapterChecks'>): Problem[] {
  return environmentProblems(config, { ...options, adapterChecks: ADAPTER_CHECKS });
}
