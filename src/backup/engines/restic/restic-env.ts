/**
 * restic settings that would override the set's own password or repository: restic reads
 * RESTIC_PASSWORD_COMMAND and RESTIC_PASSWORD_FILE before RESTIC_PASSWORD, and refuses
 * RESTIC_REPOSITORY_FILE next to RESTIC_REPOSITORY ("mutually exclusive").
 */
const OVERRIDING = ['RESTIC_PASSWORD', 'RESTIC_PASSWORD_FILE', 'RESTIC_PASSWORD_COMMAND', 'RESTIC_REPOSITORY_FILE'] as const;

/**
 * The one environment every restic command of a set runs with: the service's environment, the
 * set's `env:` on top, then the set's repository and password, which always win — whether the
 * competing setting came from the service's environment or from the set's own `env:`. The
 * password reaches restic here, never on its command line.
 */
export function resticEnvironment(base: NodeJS.ProcessEnv, setEnv: Readonly<Record<string, string>>, repository: string, password: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, ...setEnv };
  for (const key of OVERRIDING) delete env[key];
  return { ...env, RESTIC_REPOSITORY: repository, RESTIC_PASSWORD: password };
}
