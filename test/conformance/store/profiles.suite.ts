import assert from 'node:assert/strict';
import { storeCase, type OpenStore } from './harness.js';

/** The contract of ProfileStateStore (src/storage/ports.ts). */
export function profileStateConformance(name: string, open: OpenStore): void {
  const withStore = storeCase(name, 'profiles', open);

  withStore('a profile never written reads as blank (not verified, not paused)', async (store) => {
    assert.deepEqual(await store.profiles.get('office'), { name: 'office', verifiedAt: null, verifiedFingerprint: null, pausedUntil: null, pauseReason: null });
    assert.deepEqual(await store.profiles.all(), []);
  });

  withStore('verification and a pause are kept side by side; resume clears only the pause', async (store) => {
    await store.profiles.markVerified('office', 'fp-1', 1_000);
    await store.profiles.pause('office', 9_000, 'credentials refused');
    assert.deepEqual(await store.profiles.get('office'), { name: 'office', verifiedAt: 1_000, verifiedFingerprint: 'fp-1', pausedUntil: 9_000, pauseReason: 'credentials refused' });
    await store.profiles.markVerified('office', 'fp-2', 2_000);
    await store.profiles.resume('office');
    assert.deepEqual(await store.profiles.get('office'), { name: 'office', verifiedAt: 2_000, verifiedFingerprint: 'fp-2', pausedUntil: null, pauseReason: null });
    await store.profiles.resume('never-paused'); // no error
  });

  withStore('all lists every written profile, by name', async (store) => {
    await store.profiles.pause('zeta', 5, 'x');
    await store.profiles.markVerified('alpha', 'fp', 1);
    assert.deepEqual((await store.profiles.all()).map((p) => p.name), ['alpha', 'zeta']);
  });
}
