import assert from 'node:assert/strict';
import { storeCase, type OpenStore } from './harness.js';

const TTL = 30_000;

/** The contract of LeaderLease (src/storage/ports/leader-lease.ts). */
export function leaderLeaseConformance(name: string, open: OpenStore): void {
  const withStore = storeCase(name, 'leases', open);

  withStore('a free lease is taken; another owner is refused until it expires; a renewal keeps the token', async (store) => {
    assert.equal(await store.leases.holder('leader', 1_000), undefined);
    const token = await store.leases.acquire('leader', 'fs01:1', 1_000, TTL);
    assert.equal(typeof token, 'number');
    assert.equal(await store.leases.acquire('leader', 'web02:7', 2_000, TTL), undefined);
    assert.equal(await store.leases.acquire('leader', 'fs01:1', 10_000, TTL), token, 'renewal');
    assert.deepEqual(await store.leases.holder('leader', 10_000), { owner: 'fs01:1', token, expiresAt: 10_000 + TTL });
    assert.equal(await store.leases.acquire('leader', 'web02:7', 10_000 + TTL - 1, TTL), undefined, 'the renewal moved the expiry');
    assert.equal(await store.leases.acquire('other-duty', 'web02:7', 2_000, TTL) !== undefined, true, 'leases of other names are independent');
  });

  withStore('an expired lease is taken over with a greater token', async (store) => {
    const first = (await store.leases.acquire('leader', 'fs01:1', 1_000, TTL))!;
    assert.equal(await store.leases.holder('leader', 1_000 + TTL), undefined, 'expired at its expiry');
    const second = await store.leases.acquire('leader', 'web02:7', 1_000 + TTL, TTL);
    assert.ok(second !== undefined && second > first, `fencing token grows: ${first} → ${second}`);
    assert.equal(await store.leases.acquire('leader', 'fs01:1', 1_000 + TTL + 1, TTL), undefined, 'the former holder is refused');
    assert.equal((await store.leases.holder('leader', 1_000 + TTL + 1))?.owner, 'web02:7');
  });

  withStore('release frees the lease at once, only for its holder; the next tenure has a greater token', async (store) => {
    const first = (await store.leases.acquire('leader', 'fs01:1', 1_000, TTL))!;
    await store.leases.release('leader', 'web02:7');
    assert.equal((await store.leases.holder('leader', 1_001))?.owner, 'fs01:1', 'a non-holder cannot release');
    await store.leases.release('leader', 'fs01:1');
    await store.leases.release('leader', 'fs01:1');
    assert.equal(await store.leases.holder('leader', 1_001), undefined);
    const second = await store.leases.acquire('leader', 'web02:7', 1_002, TTL);
    assert.ok(second !== undefined && second > first);
  });

  withStore('two handles racing for a free lease: exactly one holds it', async (store, opened) => {
    const other = await opened.another();
    const tokens = await Promise.all([store.leases.acquire('leader', 'fs01:1', 1_000, TTL), other.leases.acquire('leader', 'web02:7', 1_000, TTL)]);
    assert.equal(tokens.filter((t) => t !== undefined).length, 1, `one winner: ${JSON.stringify(tokens)}`);
    const holder = await other.leases.holder('leader', 1_000);
    assert.equal(holder?.token, tokens.find((t) => t !== undefined));
  });
}
