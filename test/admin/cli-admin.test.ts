import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { findOnPath } from '../../src/backup/find-program.js';
import { openSqliteStore } from '../../src/storage/sqlite/store.js';
import { Workspace } from '../helpers/workspace.js';

const ws = new Workspace();
after(() => ws.cleanup());
const restic = findOnPath('restic', process.env);

function configure(): void {
  const source = path.join(ws.dir, 'documents');
  mkdirSync(source, { recursive: true });
  writeFileSync(path.join(source, 'report.txt'), 'quarterly numbers\n');
  const repo = path.join(ws.dir, 'restic-repo');
  writeFileSync(path.join(ws.dir, 'restic.pass'), 'correct horse\n');
  if (restic && !existsSync(repo)) execFileSync(restic, ['init', '--repo', repo], { env: { ...process.env, RESTIC_PASSWORD: 'correct horse' }, stdio: 'ignore' });
  ws.write(`dataDir: ./var
hostname: fileserver
profiles:
  local: { method: maildir, from: vigil@localhost, addressBook: { admins: [root@localhost] } }
notification: { admins: [admins] }
admin: { daily: "20:00", weekly: "fri 20:00", timezone: UTC }
sets:
  documents: { engine: builtin, paths: [${source}], schedule: "0 2 * * *" }
${restic ? `  offsite: { engine: restic, repository: ${repo}, password: { file: ${path.join(ws.dir, 'restic.pass')} }, paths: [${source}] }\n` : ''}`);
}

test('vigil admin daily --preview prints the text summary, --html writes the HTML, --json the model; nothing is sent or recorded', async () => {
  configure();
  assert.equal((await ws.vigil(['run', 'documents'])).code, 0);
  const htmlFile = path.join(ws.dir, 'summary.html');
  const preview = await ws.vigil(['admin', 'daily', '--preview', '--html', htmlFile]);
  assert.equal(preview.code, 0, preview.stderr);
  assert.match(preview.stdout, /^Vigil daily summary for fileserver\n/);
  assert.match(preview.stdout, /Runs: {3}1 completed/);
  assert.match(preview.stdout, /\n {2}documents +completed +1 /);
  assert.match(readFileSync(htmlFile, 'utf8'), /<h2[^>]*>Vigil daily summary for fileserver<\/h2>/);
  const json = JSON.parse((await ws.vigil(['admin', 'daily', '--preview', '--json'])).stdout) as { subject: string; rows: unknown[] };
  assert.equal(json.subject, 'Vigil daily — fileserver: 1 completed');
  assert.equal(json.rows.length, restic ? 2 : 1);
  assert.ok(!existsSync(path.join(ws.dataDir, 'mailbox')), 'a preview sends nothing');
  const kinds = (JSON.parse((await ws.vigil(['activity', '--json'])).stdout) as Array<{ kind: string }>).map((a) => a.kind);
  assert.deepEqual(kinds, ['backup']);

  const bad = await ws.vigil(['admin', 'daily', '--preview', '--html', path.join(ws.dir, 'no/such/dir/x.html')]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--html .*cannot write/);
});

test('vigil admin weekly verifies the builtin vault and runs restic check (each an activity), prunes, and mails the summary', async () => {
  configure();
  // An activity far older than the 90-day retention, written straight into the store.
  const store = openSqliteStore(ws.dataDir);
  const old = await store.activity.record(
    { kind: 'backup', set: 'documents', engine: 'builtin', trigger: 'schedule', startedAt: Date.now() - 100 * 86_400_000 },
    { status: 'completed', endedAt: Date.now() - 100 * 86_400_000, counters: { files: 1, bytesScanned: 1, bytesNew: 1, errors: 0, warnings: 0 }, log: [], logDropped: 0 },
  );
  await store.close();

  const result = await ws.vigil(['admin', 'weekly']);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^Vigil weekly — fileserver: 1 completed/);
  // The vault checks run after the summary (no summary waits for a check): printed here, and in the next weekly summary.
  assert.match(result.stdout, /verify documents: completed \(vigil activity show \d+\)/);

  const activities = JSON.parse((await ws.vigil(['activity', '--json'])).stdout) as Array<{ id: number; kind: string; set: string | null; status: string; engine: string | null }>;
  assert.ok(!activities.some((a) => a.id === old.id), 'the old activity was pruned');
  const validations = activities.filter((a) => a.kind === 'validation');
  assert.deepEqual(validations.map((a) => [a.set, a.engine, a.status]).sort(), [['documents', 'builtin', 'completed'], ...(restic ? [['offsite', 'restic', 'completed']] : [])]);
  const admin = activities.find((a) => a.kind === 'admin')!;
  assert.equal(admin.status, 'completed');
  assert.equal(admin.set, null);

  const inbox = path.join(ws.dataDir, 'mailbox', 'new');
  const files = readdirSync(inbox);
  assert.equal(files.length, 1);
  const mail = await simpleParser(readFileSync(path.join(inbox, files[0]!)));
  assert.match(mail.subject!, /^Vigil weekly — fileserver: 1 completed/);
  assert.match(mail.text!, /HOUSEKEEPING\n {2}pruned 1 old activities and 0 old Outbox messages\n\n/);
  assert.match(mail.text!, /VAULT GROWTH: .* added this week/);

  // The next weekly summary lists the checks of the week.
  assert.equal((await ws.vigil(['admin', 'weekly'])).code, 0);
  const texts = await Promise.all(readdirSync(inbox).map(async (f) => (await simpleParser(readFileSync(path.join(inbox, f)))).text!));
  const next = texts.find((t) => t !== mail.text)!;
  assert.match(next, /HOUSEKEEPING\n {2}pruned 0 old activities and 0 old Outbox messages\n {2}verify documents: completed/);
  if (restic) assert.match(next, /restic check offsite: completed/);
});
