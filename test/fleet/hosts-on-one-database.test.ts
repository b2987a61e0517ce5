import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { connectApp, type AppContext } from '../../src/app/context.js';
import { withCleanups } from '../helpers/cleanups.js';
import type { TestDatabase } from '../helpers/postgres.js';
import { usePostgres } from '../helpers/use-postgres.js';
import { SmtpPeer } from '../helpers/smtp-peer.js';
import { smtpConfig } from '../helpers/smtp-config.js';
import { waitFor } from '../helpers/wait-for.js';
import { Workspace } from '../helpers/workspace.js';

// Every host of a fleet has a set called `system` and a Mail Profile called `office`: the same
// names, different machines and relays. On one PostgreSQL store, one host's run, pause or failure
// streak under a name must not be another's — before the state was kept per host, web02's
// `system` was refused as "already running" while fs01's ran, and a profile fs01 paused after
// its relay refused its password was paused on web02 too: alerts that never went out.

const cleanups = withCleanups();
const cluster = usePostgres(cleanups);
let db: TestDatabase;
let peer: SmtpPeer;
before(async () => {
  db = await cluster.newDatabase();
  cleanups.push(() => db.drop());
  peer = await SmtpPeer.start();
  cleanups.push(() => peer.stop());
});

async function host(name: string): Promise<AppContext> {
  const sets = `sets:\n  system:\n    engine: command\n    command: [sleep, "3"]\n`;
  const yaml = smtpConfig({ servers: [{ port: peer.port }], extra: `database:\n  url: ${db.url}\n${sets}` }).replace('hostname: vigil-test.example.com', `hostname: ${name}`);
  const ws = new Workspace(yaml);
  cleanups.push(() => ws.cleanup());
  const app = await connectApp({ configFile: ws.configFile, logLevel: 'error', env: { PATH: process.env.PATH } });
  cleanups.push(() => app.close());
  return app;
}

test('two hosts each run their own set of the same name at the same time', async () => {
  const fs01 = await host('fs01');
  const web02 = await host('web02');
  const first = fs01.runner.run('system', { trigger: 'manual' });
  await waitFor(async () => (await fs01.store.activity.list({ host: 'fs01' })).some((a) => a.status === 'running'), { timeoutMs: 20_000, what: 'fs01’s system to be running' });
  const second = await web02.runner.run('system', { trigger: 'manual' });
  assert.equal(second.status, 'completed', 'web02’s system ran while fs01’s was running');
  assert.equal((await first).status, 'completed');
  assert.deepEqual((await web02.store.activity.running('system')).length, 0);
});

test('a profile one host paused is not paused on another', async () => {
  const fs01 = await host('fs01');
  const web02 = await host('web02');
  await fs01.store.profiles.pause('office', Date.now() + 3_600_000, 'authentication refused (535)');
  const { id } = await web02.outbox.enqueue({ kind: 'test', severity: 'critical', profile: 'office', from: 'vigil@example.com', to: ['ops@example.com'], subject: 'web02 alert', text: 'x' });
  await web02.dispatcher.runPass();
  assert.equal((await web02.store.outbox.get(id))?.state, 'sent', 'web02’s office delivered: fs01’s pause is fs01’s');
  assert.equal(peer.received.filter((m) => m.parsed.subject === 'web02 alert').length, 1);
});

test('a new host on PostgreSQL runs a command set: its data directory is created', async () => {
  // Before, only SQLite created dataDir; with the store elsewhere a command set (whose working
  // directory is dataDir) failed with "cannot run sleep: not found", and nothing else said why.
  const sets = `sets:\n  system:\n    engine: command\n    command: [sleep, "0.2"]\n`;
  const ws = new Workspace(smtpConfig({ servers: [{ port: peer.port }], extra: `database:\n  url: ${db.url}\n${sets}` }).replace('hostname: vigil-test.example.com', 'hostname: db03'));
  cleanups.push(() => ws.cleanup());
  const run = await ws.vigil(['run', 'system']);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /system: completed/);
});
