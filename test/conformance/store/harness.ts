import { test } from 'node:test';
import type { Store } from '../../../src/storage/ports/store.js';

/**
 * What a store adapter hands the conformance suites: a fresh, empty, real store per case.
 * `another` opens a second, independent handle on the same data, as a second process would (the
 * ports that promise atomicity "across processes" are tested through it); with `host`, it is the
 * handle that host's service opens on a store hosts share (host-scope.suite.ts). `close` closes
 * every handle and removes the data.
 */
export interface OpenedStore {
  store: Store;
  another(options?: { host?: string }): Promise<Store>;
  close(): Promise<void>;
}

export type OpenStore = () => Promise<OpenedStore>;

/** Declares one case named `<adapter>: <port>: <title>` that runs on a fresh store. */
export function storeCase(name: string, port: string, open: OpenStore) {
  return (title: string, body: (store: Store, opened: OpenedStore) => Promise<void>): void => {
    test(`${name}: ${port}: ${title}`, async () => {
      const opened = await open();
      try {
        await body(opened.store, opened);
      } finally {
        await opened.close();
      }
    });
  };
}
