import { before } from 'node:test';
import type { Cleanups } from './cleanups.js';
import { startPostgres, type ClusterOptions, type PostgresCluster } from './postgres.js';

/** The file's cluster: everything but `stop()`, which belongs to the file's cleanups. */
export type FileCluster = Omit<PostgresCluster, 'stop'>;

/**
 * One throwaway PostgreSQL cluster for the test file: started by a `before` hook, stopped by the
 * file's cleanups — after everything registered on them later (the services, peers and
 * databases that use it), even when one of those fails. Each test makes its own databases
 * (`newDatabase()`) and drops them.
 *
 * Node 20 runs a file's top-level `before` hooks side by side, not one after the other: a hook
 * that needs the cluster (a template database) awaits its start through the asynchronous methods,
 * and `options` may be a function, called as the cluster starts, for what must be awaited first
 * (a certificate).
 */
export function usePostgres(cleanups: Cleanups, options: ClusterOptions | (() => Promise<ClusterOptions>) = {}): FileCluster {
  let starting: Promise<PostgresCluster> | undefined;
  let cluster: PostgresCluster | undefined;
  const start = (): Promise<PostgresCluster> =>
    (starting ??= (async () => (cluster = await startPostgres(typeof options === 'function' ? await options() : options)))());
  before(() => start());
  // Registered now, not once started: it runs after whatever the file registers from here on. A
  // start still under way is waited for, so that its cluster is stopped too.
  cleanups.push(async () => (await starting?.catch(() => undefined))?.stop());
  const started = (): PostgresCluster => {
    if (!cluster) throw new Error('the PostgreSQL cluster of this file has not started: use it in a test');
    return cluster;
  };
  return {
    get port() {
      return started().port;
    },
    url: (database) => started().url(database),
    newDatabase: async (template) => (await start()).newDatabase(template),
    query: async (sql, params) => (await start()).query(sql, params),
    halt: async () => (await start()).halt(),
    resume: async () => (await start()).resume(),
  };
}
