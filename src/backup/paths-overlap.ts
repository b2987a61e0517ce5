import path from 'node:path';

/**
 * Where a set's own store lies among what it backs up. A vault or local repository inside the
 * backed-up paths would back itself up on every run (each run's new packs are the next run's new
 * data: +4.8 MiB a run on 5 MB of sources), so engines leave it out and `config check` warns.
 */

/** Whether `inner` lies strictly under `outer` (both absolute). */
export function liesUnder(inner: string, outer: string): boolean {
  const relative = path.relative(outer, inner);
  return relative !== '' && relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}

/** The backed-up roots that contain `store`. */
export function rootsContaining(store: string, roots: readonly string[]): string[] {
  return roots.filter((root) => liesUnder(store, root));
}

/**
 * A restic repository that is a directory on this machine (`/srv/repo`, `local:/srv/repo`),
 * absolute; undefined for remote back ends (`sftp:`, `s3:`, `rest:`, `rclone:` …).
 */
export function localRepositoryPath(repository: string, base: string): string | undefined {
  if (repository.startsWith('local:')) return path.resolve(base, repository.slice('local:'.length));
  if (/^[a-z][a-z0-9+.-]*:/i.test(repository)) return undefined;
  return path.resolve(base, repository);
}
