import type { KeyPath, Problem } from '../domain/problem.js';
import type { VigilConfig } from './schema/index.js';
import { pingUrlProblem, type PingConfig } from './schema/ping.js';
import { readSecret } from './secrets.js';
import { isVigilError } from '../domain/errors.js';

/** Every configured ping with its key path: the service's heartbeat, then each set's. */
export function configuredPings(config: VigilConfig): Array<{ at: KeyPath; ping: PingConfig }> {
  const found: Array<{ at: KeyPath; ping: PingConfig }> = [];
  if (config.heartbeat) found.push({ at: ['heartbeat'], ping: config.heartbeat });
  for (const [name, set] of Object.entries(config.sets)) if (set.ping) found.push({ at: ['sets', name, 'ping'], ping: set.ping });
  return found;
}

const HTTP_WARNING =
  'is http://: the ping URL, whose path is the check’s secret, and the run’s log tail cross the network unencrypted; fine for a checker on a trusted LAN, otherwise use https://';

/** Pure checks of inline ping URLs (a URL given as a secret is checked when it is read). */
export function pingProblems(config: VigilConfig): Problem[] {
  const problems: Problem[] = [];
  for (const { at, ping } of configuredPings(config)) {
    if (typeof ping.url === 'string' && ping.url.startsWith('http:')) problems.push({ path: [...at, 'url'], message: HTTP_WARNING, severity: 'warning' });
  }
  return problems;
}

/** Ping URLs given as `{ env }` / `{ file }`: readable, and a usable URL (never quoted). */
export function pingEnvironmentProblems(config: VigilConfig, env: NodeJS.ProcessEnv): Problem[] {
  const problems: Problem[] = [];
  for (const { at, ping } of configuredPings(config)) {
    if (typeof ping.url === 'string') continue;
    const key = [...at, 'url'];
    let url: string;
    try {
      url = readSecret(ping.url, key.join('.'), env);
    } catch (error) {
      if (!isVigilError(error)) throw error;
      problems.push({ path: key, message: error.message.replace(/^[^:]+: /, ''), severity: 'error' });
      continue;
    }
    const problem = pingUrlProblem(url);
    if (problem) problems.push({ path: key, message: `the URL read from the secret ${problem}`, severity: 'error' });
    else if (url.startsWith('http:')) problems.push({ path: key, message: `the URL read from the secret ${HTTP_WARNING}`, severity: 'warning' });
  }
  return problems;
}
