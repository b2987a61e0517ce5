/** The service's environment without restic settings that would override the set's own password or repository. */
export function withoutResticPassword(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy = { ...env };
  for (const key of ['RESTIC_PASSWORD', 'RESTIC_PASSWORD_FILE', 'RESTIC_PASSWORD_COMMAND', 'RESTIC_REPOSITORY_FILE']) delete copy[key];
  return copy;
}
