import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { openApp, type AppContext } from '../../src/app/context.js';
import { openServiceStore } from '../../src/app/open-store.js';
import { SpoolingStore, storeFallback } from '../../src/app/spooling-store.js';
import { loadConfig } from '../../src/config/load.js';
import { PRIORITY } from '../../src/domain/message.js';
import type { SystemLog } from '../../src/domain/system-log.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { withCleanups } from '../helpers/cleanups.js';
import { usePostgres } from '../helpers/use-postgres.js';
import { closedPort } from '../helpers/smtp-peer.js';
import { smtpConfig } from '../helpers/smtp-config.js';
import { waitFor } from '../helpers/wait-for.js';
import { Workspace } from '../helpers/workspace.js';

// An escalation made while PostgreSQL was away crosses the flush with the message it is about:
// the message, still undelivered, is in the database from then on, and is not escalated a second
// time there (a second system-log line, a second pager message); the escalation is still to be
// named in the next delivered mail. The service's own store (spooling-store.ts) on a throwaway
// cluster, halted and resumed; the mail server's port is closed, so nothing is delivered.

const cluster = usePostgres(withCleanups());

class RecordingSystemLog implements SystemLog {
  readonly lines: string[] = [];
  async critical(line: string): Promise<void> {
    this.lines.push(line);
  }
}

/**
 * The service's store and app for host fs01 on a fresh database, the mail server's port closed;
 * `seen` counts the spool's flushes and the database's returns.
 */
async function escalationRig() {
  const db = await cluster.newDatabase();
  const ws = new Workspace(smtpConfig({ servers: [{ port: await closedPort() }], extra: `database:\n  url: ${db.url}\n` }).replace('hostname: vigil-test.example.com', 'hostname: fs01'));
  const clock = new FakeClock();
  const syslog = new RecordingSystemLog();
  const loaded = loadConfig(ws.configFile);
  const store = await openServiceStore({ ...loaded.config, hostname: 'fs01' }, { clock, baseDir: path.dirname(ws.configFile) });
  const app: AppContext = openApp({ configFile: ws.configFile, loaded, clock, logLevel: 'error', systemLog: syslog, store });
  const seen = { flushed: 0, back: 0 };
  storeFallback(store)!.listen({ unreachable: () => undefined, note: (line) => void (line.startsWith('database reachable again') && seen.back++), flushed: () => seen.flushed++, refused: () => undefined });
  return { db, ws, clock, syslog, store, app, seen };
}

test('a message escalated during the outage is escalated once, and still reported after the flush', { timeout: 120_000 }, async () => {
  const { db, ws, clock, syslog, app, seen } = await escalationRig();
  let halted = false;
  try {
    await cluster.halt();
    halted = true;
    await app.outbox.enqueueMany([{ kind: 'backup.failed', severity: 'critical', priority: PRIORITY.critical, profile: 'office', from: 'vigil@example.com', to: ['ops@example.com'], subject: 'documents failed', text: 'x' }]);
    clock.advance(16 * 60_000);
    assert.deepEqual((await app.notifications.escalator.checkOverdue()).map((e) => e.subject), ['documents failed'], 'escalated during the outage');
    const escalatedLines = () => syslog.lines.filter((l) => l.startsWith('could not deliver critical message'));
    assert.equal(escalatedLines().length, 1);

    await cluster.resume();
    halted = false;
    await waitFor(() => seen.flushed > 0, { timeoutMs: 60_000, what: 'the spool to be flushed' });
    clock.advance(60_000);
    assert.deepEqual(await app.notifications.escalator.checkOverdue(), [], 'not escalated again from the database');
    assert.equal(escalatedLines().length, 1, syslog.lines.join('\n'));
    assert.deepEqual((await app.store.escalations.unreported()).map((e) => e.subject), ['documents failed'], 'to be named in the next delivered mail');
  } finally {
    if (halted) await cluster.resume();
    await app.close();
    ws.cleanup();
    await db.drop();
  }
});

test('a critical message still in the spool after the database returns is escalated on time, not at the flush', { timeout: 120_000 }, async () => {
  const { db, ws, clock, syslog, store, app, seen } = await escalationRig();
  // A backup still running in the spool keeps it from being flushed (for hours, for a long one).
  let release!: () => void;
  let holding: Promise<void> | undefined;
  let halted = false;
  try {
    await cluster.halt();
    halted = true;
    await app.outbox.enqueueMany([{ kind: 'backup.failed', severity: 'critical', priority: PRIORITY.critical, profile: 'office', from: 'vigil@example.com', to: ['ops@example.com'], subject: 'documents failed', text: 'x' }]);
    holding = (store as SpoolingStore).holding(() => new Promise<void>((resolve) => (release = resolve)));
    await cluster.resume();
    halted = false;
    await waitFor(() => seen.back > 0, { timeoutMs: 60_000, what: 'the database found back' });

    clock.advance(16 * 60_000);
    assert.deepEqual((await app.notifications.escalator.checkOverdue()).map((e) => e.subject), ['documents failed'], 'escalated while the spool still holds it');
    const escalatedLines = () => syslog.lines.filter((l) => l.startsWith('could not deliver critical message'));
    assert.equal(escalatedLines().length, 1);

    release();
    await holding;
    await waitFor(() => seen.flushed > 0, { timeoutMs: 60_000, what: 'the spool to be flushed' });
    clock.advance(60_000);
    assert.deepEqual(await app.notifications.escalator.checkOverdue(), [], 'not escalated again from the database');
    assert.equal(escalatedLines().length, 1, syslog.lines.join('\n'));
  } finally {
    release?.();
    await holding;
    if (halted) await cluster.resume();
    await app.close();
    ws.cleanup();
    await db.drop();
  }
});

test('a message escalated during the outage and still in the spool after the return is not escalated again before the flush', { timeout: 120_000 }, async () => {
  const { db, ws, clock, syslog, store, app, seen } = await escalationRig();
  let release!: () => void;
  let holding: Promise<void> | undefined;
  let halted = false;
  try {
    await cluster.halt();
    halted = true;
    await app.outbox.enqueueMany([{ kind: 'backup.failed', severity: 'critical', priority: PRIORITY.critical, profile: 'office', from: 'vigil@example.com', to: ['ops@example.com'], subject: 'documents failed', text: 'x' }]);
    clock.advance(16 * 60_000);
    assert.deepEqual((await app.notifications.escalator.checkOverdue()).map((e) => e.subject), ['documents failed'], 'escalated during the outage');
    holding = (store as SpoolingStore).holding(() => new Promise<void>((resolve) => (release = resolve)));
    await cluster.resume();
    halted = false;
    await waitFor(() => seen.back > 0, { timeoutMs: 60_000, what: 'the database found back' });

    clock.advance(60_000);
    assert.deepEqual(await app.notifications.escalator.checkOverdue(), [], 'not escalated again while the spool still holds it');
    const escalatedLines = () => syslog.lines.filter((l) => l.startsWith('could not deliver critical message'));
    assert.equal(escalatedLines().length, 1, syslog.lines.join('\n'));

    release();
    await holding;
    await waitFor(() => seen.flushed > 0, { timeoutMs: 60_000, what: 'the spool to be flushed' });
    assert.deepEqual((await app.store.escalations.unreported()).map((e) => e.subject), ['documents failed'], 'to be named in the next delivered mail, once');
  } finally {
    release?.();
    await holding;
    if (halted) await cluster.resume();
    await app.close();
    ws.cleanup();
    await db.drop();
  }
});
