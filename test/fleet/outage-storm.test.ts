import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { withCleanups } from '../helpers/cleanups.js';
import { usePostgres } from '../helpers/use-postgres.js';
import { headerOf, SmtpPeer } from '../helpers/smtp-peer.js';
import { smtpConfig } from '../helpers/smtp-config.js';
import { waitFor } from '../helpers/wait-for.js';
import { countedSetYaml, countLines, Workspace } from '../helpers/workspace.js';
import { startVigilService, withServiceOutput } from '../helpers/vigil-service.js';

// A storm window opened near the end of a PostgreSQL outage outlives the spool it was opened in:
// the database returns and the spool is flushed while the window is still gathering, and its
// grouped message — the only alert of the sets it held — still goes out, once. A real
// `vigil start` on a throwaway cluster; two sets start failing together during the outage.

const cluster = usePostgres(withCleanups());

test('a storm window open when PostgreSQL returns is copied with the spool: its grouped message goes out once', { timeout: 300_000 }, async () => {
  const db = await cluster.newDatabase();
  const peer = await SmtpPeer.start();
  const scratch = new Workspace('');
  const file = (name: string) => path.join(scratch.dir, name);
  const set = (name: string) => countedSetYaml(name, file(`${name}.runs`), file('fail'));
  // A window long enough to outlast the rest of the outage and the flush on a loaded machine.
  const yaml = smtpConfig({ servers: [{ port: peer.port }], extra: `database:\n  url: ${db.url}\nsets:\n${set('alpha')}${set('beta')}` })
    .replace('hostname: vigil-test.example.com', 'hostname: fs01')
    .replace('notification:\n  admins: [admins]', 'notification:\n  admins: [admins]\n  stormWindow: 40s');
  const ws = new Workspace(yaml);
  const service = startVigilService(ws.configFile);
  const kinds = () => peer.received.map((m) => headerOf(m, 'x-vigil-kind'));
  const storms = () => peer.received.filter((m) => headerOf(m, 'x-vigil-kind') === 'backup.storm');
  let halted = false;
  try {
    await waitFor(() => countLines(file('alpha.runs')) >= 2 && countLines(file('beta.runs')) >= 2, { timeoutMs: 60_000, what: 'runs before the outage' });

    await cluster.halt();
    halted = true;
    writeFileSync(file('fail'), '');
    const atHalt = { alpha: countLines(file('alpha.runs')), beta: countLines(file('beta.runs')) };
    // The first failure opens the window and is alerted at once; the other set's is held in it.
    await waitFor(() => kinds().includes('backup.failed'), { timeoutMs: 60_000, what: 'the first failure alerted during the outage' });
    await waitFor(() => countLines(file('alpha.runs')) >= atHalt.alpha + 2 && countLines(file('beta.runs')) >= atHalt.beta + 2, { timeoutMs: 60_000, what: 'both sets failing during the outage' });
    assert.equal(storms().length, 0, 'the window is still open');

    await cluster.resume();
    halted = false;
    await waitFor(() => /spool \S+ flushed into the database/.test(service.output()), { timeoutMs: 60_000, what: 'the spool to be flushed' });
    assert.equal(storms().length, 0, 'flushed before the window ended');
    await waitFor(() => storms().length > 0, { timeoutMs: 90_000, what: 'the grouped message of the window opened during the outage' });
    // Two more passes of notification's periodic work: nothing sends the group again.
    await new Promise((resolve) => setTimeout(resolve, 6_000));

    service.child.kill('SIGTERM');
    assert.equal(await service.exited, 0, service.output());
    assert.equal(storms().length, 1, `one grouped message: ${kinds().join(', ')}`);
    const text = storms()[0]!.parsed.text ?? '';
    assert.match(text, /alpha/);
    assert.match(text, /beta/);
    assert.equal(kinds().filter((k) => k === 'backup.failed').length, 1, `the first failure alone on its own, the other in the group: ${kinds().join(', ')}`);
  } catch (error) {
    throw withServiceOutput(error, service);
  } finally {
    if (service.child.exitCode === null) service.child.kill('SIGKILL');
    if (halted) await cluster.resume();
    await peer.stop();
    ws.cleanup();
    scratch.cleanup();
    await db.drop();
  }
});
