import { hostname as osHostname } from 'node:os';

/**
 * The name this host goes by: `hostname:` in vigil.yaml, else the machine's. Hosts sharing one
 * store are told apart by it (their messages, runs and state), so every place that needs it asks
 * here.
 */
export function configuredHostname(config: { hostname?: string | undefined }): string {
  return config.hostname ?? osHostname();
}
