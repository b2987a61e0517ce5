import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openApp } from '../../src/app/context.js';
import type { SystemLog } from '../../src/domain/system-log.js';
import { subjectLine } from '../../src/domain/summary-build.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { Workspace } from '../helpers/workspace.js';

const quietSystemLog: SystemLog = { critical: async () => undefined };

function config(ws: Workspace, source: string, extra = ''): string {
  return `dataDir: ./var
mail: { profile: local }
profiles:
  local: { method: maildir, from: vigil@localhost, addressBook: { admins: [root@localhost] } }
notification: { admins: [admins]${extra} }
sets:
  documents: { engine: builtin, paths: [${source}], vault: ${path.join(ws.dir, 'vault')} }
`;
}

/** Five ordinary runs of 30 files, then the source is emptied (an unmounted disk) and run again. */
async function emptySourceRun(extra = ''): Promise<{ subjects: string[]; kinds: string[]; bodies: string[] }> {
  const ws = new Workspace();
  const source = path.join(ws.dir, 'documents');
  mkdirSync(source);
  for (let i = 0; i < 30; i++) writeFileSync(path.join(source, `file-${i}.txt`), `content ${i}\n`.repeat(50));
  ws.write(config(ws, source, extra));
  const clock = new FakeClock();
  const app = openApp({ configFile: ws.configFile, clock, logLevel: 'error', systemLog: quietSystemLog });
  try {
    for (let i = 0; i < 5; i++) {
      clock.advance(3_600_000);
      assert.equal((await app.runner.run('documents', { trigger: 'manual' })).status, 'completed');
    }
    await app.events.drain();
    assert.equal((await app.store.outbox.list({})).length, 0, 'ordinary runs alert nobody');
    rmSync(source, { recursive: true });
    mkdirSync(source);
    clock.advance(3_600_000);
    const empty = await app.runner.run('documents', { trigger: 'manual' });
    assert.equal(empty.status, 'completed');
    await app.events.drain();
    const messages = await app.store.outbox.list({});
    const bodies = await Promise.all(messages.map(async (m) => (await app.store.outbox.raw(m.id))?.toString('utf8') ?? ''));
    return { subjects: messages.map((m) => m.subject), kinds: messages.map((m) => m.kind), bodies };
  } finally {
    await app.close();
    ws.cleanup();
  }
}

describe('an empty source alerts at once (issue 18 item 3)', () => {
  it('by default: a run of 0 files where there usually are 30 is a critical backup-anomaly alert', { timeout: 120_000 }, async () => {
    const { subjects, kinds, bodies } = await emptySourceRun();
    assert.deepEqual(kinds, ['service.fault.backup-anomaly']);
    assert.match(subjects[0]!, /smaller than usual/i);
    assert.match(bodies[0]!, /documents: backed up 0 files, usually 30/);
  });

  it('notification.anomalies: summary (or off) does not alert', { timeout: 120_000 }, async () => {
    assert.deepEqual((await emptySourceRun(', anomalies: summary')).kinds, []);
    assert.deepEqual((await emptySourceRun(', anomalies: off')).kinds, []);
  });

  it('the summary subject counts anomalies', () => {
    const counts = { completed: 7, 'completed-with-warnings': 0, 'completed-with-errors': 0, incomplete: 0, failed: 0, missed: 0, skipped: 0, cancelled: 0, interrupted: 0 };
    assert.equal(subjectLine('daily', 'files', counts, 2), 'Vigil daily — files: 7 completed, 2 anomalies');
    assert.equal(subjectLine('daily', 'files', counts, 1), 'Vigil daily — files: 7 completed, 1 anomaly');
    assert.equal(subjectLine('daily', 'files', counts, 0), 'Vigil daily — files: 7 completed');
  });
});
