import assert from 'node:assert/strict';
import { storeCase, type OpenStore } from './harness.js';

/** The contract of VaultCheckRotationStore (src/storage/ports.ts). */
export function vaultCheckRotationConformance(name: string, open: OpenStore): void {
  const withStore = storeCase(name, 'vaultChecks', open);

  withStore('a new target starts at slice 1; each done moves to the next, wrapping after the last', async (store) => {
    const t = 'builtin:/srv/vault';
    assert.equal(await store.vaultChecks.next(t, 3), 1);
    await store.vaultChecks.done(t, 3, 1, 1_000);
    assert.equal(await store.vaultChecks.next(t, 3), 2);
    await store.vaultChecks.done(t, 3, 2, 2_000);
    await store.vaultChecks.done(t, 3, 3, 3_000);
    assert.equal(await store.vaultChecks.next(t, 3), 1, 'after the last slice, the first again');
    assert.equal(await store.vaultChecks.next('restic:/srv/other', 3), 1, 'targets are independent');
  });

  withStore('a changed number of slices starts again from slice 1', async (store) => {
    const t = 'restic:sftp:host:/repo';
    await store.vaultChecks.done(t, 4, 2, 1_000);
    assert.equal(await store.vaultChecks.next(t, 4), 3);
    assert.equal(await store.vaultChecks.next(t, 2), 1);
  });
}
