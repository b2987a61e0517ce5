import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SmtpPeer } from '../helpers/smtp-peer.js';
import { smtpConfig } from '../helpers/smtp-config.js';
import { Workspace } from '../helpers/workspace.js';

const SETS = `sets:
  alpha: { engine: command, command: ["false"] }
  beta: { engine: command, command: ["false"] }
`;

describe('vigil pause / vigil resume (maintenance mode)', () => {
  let peer: SmtpPeer;
  before(async () => (peer = await SmtpPeer.start()));
  after(async () => peer.stop());

  it('a paused set fails without a mail, its run recorded; after resume the next failure alerts', { timeout: 120_000 }, async () => {
    peer.received.length = 0;
    const ws = new Workspace(smtpConfig({ servers: [{ port: peer.port }], extra: SETS }));
    try {
      const paused = await ws.vigil(['pause', 'alpha']);
      assert.equal(paused.code, 0, paused.stderr);
      assert.match(paused.stdout, /alerts of alpha paused .* until vigil resume/);
      const listed = await ws.vigil(['pause', '--list']);
      assert.match(listed.stdout, /alerts of alpha paused/);

      const run = await ws.vigil(['run', 'alpha']);
      assert.equal(run.code, 1, run.stderr);
      assert.equal(peer.received.length, 0, peer.received.map((m) => m.parsed.subject).join('\n'));
      const activity = JSON.parse((await ws.vigil(['activity', '--json'])).stdout) as Array<{ set: string; status: string }>;
      assert.deepEqual(activity.map((a) => [a.set, a.status]), [['alpha', 'failed']]);

      // Another set is not paused: its failure is mailed.
      await ws.vigil(['run', 'beta']);
      assert.equal(peer.received.length, 1);
      assert.match(peer.received[0]!.parsed.subject ?? '', /beta/);

      // Every summary says so, the text and the HTML part, daily and weekly.
      const html = path.join(ws.dir, 'summary.html');
      for (const kind of ['daily', 'weekly']) {
        const summary = await ws.vigil(['admin', kind, '--preview', '--html', html]);
        assert.equal(summary.code, 0, summary.stderr);
        assert.match(summary.stdout, /Alerts paused: alpha until vigil resume/);
        assert.match(readFileSync(html, 'utf8'), /Alerts paused: alpha until vigil resume/);
      }

      const resumed = await ws.vigil(['resume']);
      assert.equal(resumed.code, 0, resumed.stderr);
      assert.match(resumed.stdout, /1 alert\(s\) held during the pause[\s\S]*backup alpha failed/);
      assert.match((await ws.vigil(['pause', '--list'])).stdout, /alerts are not paused/);

      const again = await ws.vigil(['run', 'alpha']);
      assert.equal(again.code, 1, again.stderr);
      assert.equal(peer.received.length, 2, again.stdout + again.stderr);
      // beta's failure moments ago opened a storm window: alpha's alert may come grouped with it.
      assert.match(`${peer.received[1]!.parsed.subject ?? ''}\n${peer.received[1]!.parsed.text ?? ''}`, /alpha/);
    } finally {
      ws.cleanup();
    }
  });

  it('a pause of every set with --for ends by itself; the next failure then alerts', { timeout: 120_000 }, async () => {
    peer.received.length = 0;
    const ws = new Workspace(smtpConfig({ servers: [{ port: peer.port }], extra: SETS }));
    try {
      assert.equal((await ws.vigil(['pause', '--for', '8s'])).code, 0);
      await ws.vigil(['run', 'alpha']);
      // On a loaded machine the run may outlast the pause: only when it did not is "no mail" owed.
      const stillPaused = !/not paused/.test((await ws.vigil(['pause', '--list'])).stdout);
      if (stillPaused) assert.equal(peer.received.length, 0);
      const end = Date.now() + 60_000;
      while (!/not paused/.test((await ws.vigil(['pause', '--list'])).stdout)) {
        assert.ok(Date.now() < end, 'the --for pause did not end');
        await new Promise((r) => setTimeout(r, 500));
      }
      await ws.vigil(['run', 'alpha']);
      // Exactly one alert for alpha's failing streak: the held run left the streak untouched, so
      // the first failure after the pause is alerted as a first failure.
      assert.deepEqual(peer.received.map((m) => /alpha/.test(m.parsed.subject ?? '')), [true]);
    } finally {
      ws.cleanup();
    }
  });

  it('an unknown set and a bad duration are usage errors naming the value', async () => {
    const ws = new Workspace(smtpConfig({ servers: [{ port: 1 }], extra: SETS }));
    try {
      const unknown = await ws.vigil(['pause', 'gamma']);
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /gamma/);
      const bad = await ws.vigil(['pause', '--for', 'soon']);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /--for "soon"/);
    } finally {
      ws.cleanup();
    }
  });
});
