import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connectApp, type AppContext } from '../../src/app/context.js';
import { withCleanups } from '../helpers/cleanups.js';
import { usePostgres } from '../helpers/use-postgres.js';
import { SmtpPeer } from '../helpers/smtp-peer.js';
import { smtpConfig } from '../helpers/smtp-config.js';
import { Workspace } from '../helpers/workspace.js';

// Hosts sharing one PostgreSQL Outbox each have their own Mail Profile "office" — same name,
// their own relay and credentials. A host must never take another host's message: it would
// send it with credentials that are not the message's (or fail it, or pause the profile for
// every host). Each delivers its own.

const cleanups = withCleanups();
const cluster = usePostgres(cleanups);

async function host(name: string, smtpPort: number, databaseUrl: string): Promise<AppContext> {
  const ws = new Workspace(smtpConfig({ servers: [{ port: smtpPort }], extra: `database:\n  url: ${databaseUrl}\n` }).replace('hostname: vigil-test.example.com', `hostname: ${name}`));
  cleanups.push(() => ws.cleanup());
  const app = await connectApp({ configFile: ws.configFile, logLevel: 'error', env: {} });
  cleanups.push(() => app.close());
  return app;
}

test('a host delivers only the messages it enqueued, through its own relay', async () => {
  const db = await cluster.newDatabase();
  cleanups.push(() => db.drop());
  const relayA = await SmtpPeer.start();
  const relayB = await SmtpPeer.start();
  cleanups.push(() => relayA.stop(), () => relayB.stop());
  const a = await host('fs01', relayA.port, db.url);
  const b = await host('web02', relayB.port, db.url);

  const { id } = await a.outbox.enqueue({ kind: 'test', severity: 'info', profile: 'office', from: 'vigil@example.com', to: ['ops@example.com'], subject: 'from fs01', text: 'hello' });
  await b.dispatcher.runPass();
  assert.equal(relayB.received.length, 0, 'web02 did not send fs01’s message through its own relay');
  assert.equal((await b.store.outbox.get(id))?.state, 'queued');

  await a.dispatcher.runPass();
  assert.equal(relayA.received.length, 1);
  assert.equal((await a.store.outbox.get(id))?.state, 'sent');
});
