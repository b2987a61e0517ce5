import { before } from 'node:test';
import type { Cleanups } from './cleanups.js';
import { startPostgres, type ClusterOptions, type PostgresCluster } from './postgres.js';

/** The file's cluster: everything but `stop()`, which belongs to the file's cleanups. */
export type FileCluster = Omit<PostgresCluster, 'stop'>;

/**
 * One throwaway PostgreSQL cluster for the test file: started by a `before` hook, stopped by the
 * file's cleanups — after everything registered on them later (the services, peers and
 * databases that use it), even when one of those fails. Every test takes its own database of it
 * (`newDatabase()`, dropped by the test).
 *
 * `options` may be a function, read when the cluster starts: for options an earlier `before`
 * hook computes (a certificate).
 */
export function usePostgres(cleanups: Cleanups, options: ClusterOptions | (() => ClusterOptions) = {}): FileCluster {
  let cluster: PostgresCluster | undefined;
  before(async () => {
    cluster = await startPostgres(typeof options === 'function' ? options() : options);
  });
  // Registered now, not when it starts: it runs after whatever the file registers from here on.
  cleanups.push(() => cluster?.stop());
  const started = (): PostgresCluster => {
    if (!cluster) throw new Error('the PostgreSQL cluster of this file has not started: use it in a test or a later hook');
    return cluster;
  };
  return {
    get port() {
      return started().port;
    },
    url: (database) => started().url(database),
    newDatabase: (template) => started().newDatabase(template),
    query: (sql, params) => started().query(sql, params),
    halt: () => started().halt(),
    resume: () => started().resume(),
  };
}
