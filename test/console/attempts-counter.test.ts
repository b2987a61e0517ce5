import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Housekeeper } from '../../src/admin/housekeeping.js';
import { openApp, type AppContext } from '../../src/app/context.js';
import { ConsoleMetrics } from '../../src/console/metrics.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { closedPort, SmtpPeer } from '../helpers/smtp-peer.js';
import { Workspace } from '../helpers/workspace.js';

const DAY = 86_400_000;

/** The vigil_delivery_attempts_total samples of one scrape, as `transport/outcome/host value`. */
async function attemptSamples(metrics: ConsoleMetrics, app: AppContext): Promise<string[]> {
  const text = Buffer.concat(await metrics.scrape(app)).toString('utf8');
  return [...text.matchAll(/^vigil_delivery_attempts_total\{transport="([^"]*)",outcome="([^"]*)",host="([^"]*)"\} (\S+)$/gm)].map((m) => `${m[1]}/${m[2]}/${m[3]} ${m[4]}`).sort();
}

// vigil_delivery_attempts_total is a Prometheus counter: a value lower than the last scrape reads
// as a restart, and rate()/increase() then count the whole total again. Housekeeping prunes old
// Outbox messages with their attempts; the counter must not drop with them — nor across a restart.
test('the delivery attempts counter never goes down when housekeeping prunes the Outbox, nor when the service restarts', async () => {
  const smtp = await SmtpPeer.start();
  const down = await closedPort();
  const ws = new Workspace(`dataDir: ./var
hostname: counter-test.example.com
mail:
  profile: office
profiles:
  office:
    method: smtp
    from: "Vigil <vigil@example.com>"
    timeoutSeconds: 5
    servers: [{ host: 127.0.0.1, port: ${smtp.port}, security: none }]
  backup-relay:
    method: smtp
    from: "Vigil <vigil@example.com>"
    timeoutSeconds: 3
    servers: [{ host: 127.0.0.1, port: ${down}, security: none }]
admin:
  retention: { outbox: 30d }
`);
  const clock = new FakeClock();
  let monotonic = 0;
  const metrics = new ConsoleMetrics(() => (monotonic += 10_000));
  const open = () => openApp({ configFile: ws.configFile, logLevel: 'error', service: true, clock });
  let app = open();
  try {
    const send = async (profile: string) => {
      const { id } = await app.outbox.enqueue({ kind: 'test', severity: 'info', priority: 5, profile, from: 'vigil@example.com', to: ['ops@example.com'], subject: `to ${profile}`, text: 'x' });
      return app.dispatcher.deliverNow(id);
    };
    await send('office');
    await send('office');
    await send('backup-relay'); // deferred: its relay is down (pending, so never pruned)
    assert.equal(smtp.received.length, 2);
    const before = await attemptSamples(metrics, app);
    assert.deepEqual(before, ['smtp/accepted/counter-test.example.com 2', 'smtp/temporary/counter-test.example.com 1']);

    clock.advance(31 * DAY);
    const housekeeper = new Housekeeper({ config: app.loaded.config, store: app.store, clock, log: app.log, engines: app.engines, owner: { host: app.hostname, pid: process.pid }, isBusy: async () => false });
    assert.equal((await housekeeper.prune()).messages, 2, 'the two sent messages are past the Outbox retention');
    assert.equal((await app.store.outbox.list({ limit: 10 })).length, 1, 'only the deferred one is left');
    assert.deepEqual(await attemptSamples(metrics, app), before, 'pruned attempts are still counted');

    await send('office');
    assert.deepEqual(await attemptSamples(metrics, app), ['smtp/accepted/counter-test.example.com 3', 'smtp/temporary/counter-test.example.com 1'], 'and counting goes on from there');

    // A restart: a new process, a new registry, the same totals (they live in the store).
    await app.close();
    app = open();
    assert.deepEqual(await attemptSamples(new ConsoleMetrics(), app), ['smtp/accepted/counter-test.example.com 3', 'smtp/temporary/counter-test.example.com 1']);
  } finally {
    await app.close();
    await smtp.stop();
    ws.cleanup();
  }
});
