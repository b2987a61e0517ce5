import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connectApp } from '../../src/app/context.js';
import { databaseWork } from '../../src/storage/postgres/database.js';
import { withCleanups } from '../helpers/cleanups.js';
import { usePostgres } from '../helpers/use-postgres.js';
import { SmtpPeer } from '../helpers/smtp-peer.js';
import { smtpConfig } from '../helpers/smtp-config.js';
import { Workspace } from '../helpers/workspace.js';

// The Outbox on PostgreSQL claims, records and enqueues in batches: a pass that delivers many
// messages sends the database few statements per message. It was about eight per
// message (a claim per freed slot, each leased row its own UPDATE, each result an UPDATE and an
// INSERT between BEGIN and COMMIT), and one INSERT per message to enqueue. A count, not a timing.

const MESSAGES = 60;

const cleanups = withCleanups();
const cluster = usePostgres(cleanups);

test('a pass delivering many messages on PostgreSQL sends at most 1.5 statements per message (was ~8), and enqueueing them a handful', { timeout: 180_000 }, async () => {
  const db = await cluster.newDatabase();
  cleanups.push(() => db.drop());
  const relay = await SmtpPeer.start();
  cleanups.push(() => relay.stop());
  const ws = new Workspace(smtpConfig({ servers: [{ port: relay.port }], concurrency: 10, extra: `database:\n  url: ${db.url}\n` }));
  cleanups.push(() => ws.cleanup());
  const app = await connectApp({ configFile: ws.configFile, logLevel: 'error', env: {} });
  cleanups.push(() => app.close());

  const beforeEnqueue = databaseWork().statements;
  await app.outbox.enqueueMany(Array.from({ length: MESSAGES }, (_v, i) => ({ kind: 'test', severity: 'info' as const, profile: 'office', from: 'vigil@example.com', to: ['ops@example.com'], subject: `message ${i}`, text: 'body' })));
  const enqueueStatements = databaseWork().statements - beforeEnqueue;
  assert.ok(enqueueStatements <= 5, `enqueueing ${MESSAGES} messages took ${enqueueStatements} statements`);

  const beforePass = databaseWork().statements;
  const report = await app.dispatcher.runPass();
  const passStatements = databaseWork().statements - beforePass;
  assert.equal(report.sent, MESSAGES);
  assert.equal(new Set(relay.received.map((m) => m.parsed.messageId)).size, MESSAGES);
  // One SMTP connection sends one message at a time, so results often come one by one (a
  // statement each); claims take several at once. Before batching: about 8 per message.
  assert.ok(passStatements <= MESSAGES * 1.5, `delivering ${MESSAGES} messages took ${passStatements} statements`);
});
