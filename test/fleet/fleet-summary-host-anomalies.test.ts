import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderFleetSummary } from '../../src/admin/fleet-summary-source.js';
import { AdminSchedule } from '../../src/admin/period.js';
import { connectApp, type AppContext } from '../../src/app/context.js';
import { buildFleet } from '../../src/app/fleet-wiring.js';
import { withCleanups } from '../helpers/cleanups.js';
import type { TestDatabase } from '../helpers/postgres.js';
import { smtpConfig } from '../helpers/smtp-config.js';
import { usePostgres } from '../helpers/use-postgres.js';
import { Workspace } from '../helpers/workspace.js';

// The leader writes the fleet summary, but a host's anomaly rules are in that host's own
// configuration. Before each host published its `notification.anomalies` with its sets, the
// leader judged every host by the defaults: a host that had turned anomalies `off` (a set that
// shrinks on purpose) got them listed in the fleet summary all the same, whoever led.

const DUE = Date.parse('2026-11-27T20:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const cleanups = withCleanups();
const cluster = usePostgres(cleanups);
let db: TestDatabase;

/** A host's service on the shared database, registered as `vigil start` registers it. */
async function host(name: string, anomalies: 'alert' | 'summary' | 'off'): Promise<AppContext> {
  const extra = `database:\n  url: ${db.url}\nsets:\n  www:\n    engine: command\n    command: [/bin/true]\n`;
  const yaml = smtpConfig({ servers: [{ port: 9 }], extra })
    .replace('hostname: vigil-test.example.com', `hostname: ${name}`)
    .replace('notification:\n  admins: [admins]', `notification:\n  admins: [admins]\n  anomalies: ${anomalies}`);
  const ws = new Workspace(yaml);
  cleanups.push(() => ws.cleanup());
  const app = await connectApp({ configFile: ws.configFile, logLevel: 'error', env: { PATH: process.env.PATH } });
  cleanups.push(() => app.close());
  await buildFleet(app).presence.beat();
  return app;
}

/** Ten days of 5,000 files and 2 GB, then today's run backed up 3 files (the mount vanished). */
async function shrinkingRuns(app: AppContext, name: string): Promise<void> {
  const backup = (files: number, bytesScanned: number, endedAt: number) =>
    app.store.activity.record(
      { kind: 'backup', set: 'www', engine: 'command', trigger: 'schedule', startedAt: endedAt - 60_000, host: name },
      { status: 'completed', endedAt, counters: { files, bytesScanned, bytesNew: 0, errors: 0, warnings: 0 }, log: [], logDropped: 0 },
    );
  for (let d = 10; d >= 1; d--) await backup(5_000, 2e9, DUE - d * DAY);
  await backup(3, 4_096, DUE - 2 * HOUR);
}

test('each host’s runs are judged by its own notification.anomalies in the fleet summary, whoever leads', async () => {
  db = await cluster.newDatabase();
  cleanups.push(() => db.drop());
  const fs01 = await host('fs01', 'off');
  const web02 = await host('web02', 'summary');
  // db03 registered before hosts published their rules (no value): the defaults judge it.
  await fs01.store.hosts.register({ name: 'db03', version: '0.9.0', startedAt: DUE - HOUR, sets: [{ name: 'www', schedule: null }] }, Date.now());
  for (const [app, name] of [[fs01, 'fs01'], [web02, 'web02'], [fs01, 'db03']] as const) await shrinkingRuns(app, name);

  const day = new AdminSchedule('daily', '20:00', 'UTC').periodEndingAt(DUE);
  for (const leader of [fs01, web02]) {
    const { summary, text } = await renderFleetSummary({ config: leader.loaded.config, store: leader.store, host: leader.hostname }, day, DUE);
    const anomaliesOf = (name: string) => summary.hosts.find((h) => h.name === name)!.anomalies.map((a) => `${a.set} ${a.metric}`);
    const who = `led by ${leader.hostname}`;
    assert.deepEqual(anomaliesOf('fs01'), [], `${who}: fs01 turned anomalies off — the same shrunk run is none of its alarms`);
    assert.deepEqual(anomaliesOf('web02'), ['www files', 'www bytes'], `${who}: web02 lists them (summary)`);
    assert.deepEqual(anomaliesOf('db03'), ['www files', 'www bytes'], `${who}: db03 published no rules: the defaults`);
    assert.match(summary.subject, /2 anomalies/, who);
    const fs01Section = text.slice(text.indexOf('HOST fs01'));
    assert.ok(!fs01Section.slice(0, fs01Section.indexOf('\n\n')).includes('ANOMALY'), `${who}: ${text}`);
  }
});
