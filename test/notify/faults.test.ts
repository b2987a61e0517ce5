import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { openApp } from '../../src/app/context.js';
import { TransportDirectSender } from '../../src/app/direct-sender.js';
import type { VigilEvent } from '../../src/domain/events.js';
import { silentLogger } from '../../src/domain/logger.js';
import type { SystemLog } from '../../src/domain/system-log.js';
import { Dispatcher } from '../../src/outbox/dispatcher.js';
import { faultOfRun } from '../../src/notify/fault-detect.js';
import { runStopper, vaultWriteError } from '../../src/backup/engines/builtin/vault-errors.js';
import { VigilError } from '../../src/domain/errors.js';
import { PRIORITY } from '../../src/domain/message.js';
import { FaultNotifier } from '../../src/notify/faults.js';
import type { OutboxStore } from '../../src/storage/ports/outbox-store.js';
import { SmtpPeer } from '../helpers/smtp-peer.js';
import { smtpConfig } from '../helpers/smtp-config.js';
import { Workspace } from '../helpers/workspace.js';
import { FakeClock } from '../helpers/fake-clock.js';

const PAGER = '5551234567@pager.example.com';

class RecordingSystemLog implements SystemLog {
  readonly lines: string[] = [];
  async critical(line: string): Promise<void> {
    this.lines.push(line);
  }
}

function config(port: number, dir: string): string {
  const sets = `sets:
  documents:
    engine: builtin
    paths: [${dir}]
    vault: ${path.join(dir, 'not-a-dir', 'vault')}
  offsite:
    engine: restic
    paths: [${dir}]
    repository: ${path.join(dir, 'repo')}
    password: { env: HOME }
    program: /nonexistent/restic
`;
  return smtpConfig({ servers: [{ port }], extra: sets })
    .replace('notification:\n  admins: [admins]\n', 'notification:\n  admins: [admins]\n  pager: [oncall]\n  stormWindow: 0s\n')
    .replace('      admins: [ops@example.com]\n', `      admins: [ops@example.com]\n      oncall: [${PAGER}]\n`);
}

test('real runs: vault unreachable and engine missing → a critical fault alert to admins and pager, once per fault', async () => {
  const peer = await SmtpPeer.start();
  const ws = new Workspace();
  writeFileSync(path.join(ws.dir, 'not-a-dir'), 'a file where the vault directory should be');
  ws.write(config(peer.port, ws.dir));
  const clock = new FakeClock();
  const app = openApp({ configFile: ws.configFile, clock, logLevel: 'error', systemLog: new RecordingSystemLog() });
  try {
    const run = async (set: string) => {
      await app.runner.run(set, { trigger: 'manual' });
      await app.events.drain();
      await app.dispatcher.runPass();
    };
    await run('documents');
    const fault = peer.received.find((m) => m.to.includes('ops@example.com') && /FAULT/.test(m.parsed.subject ?? ''));
    assert.ok(fault, `fault alert arrived: ${peer.received.map((m) => m.parsed.subject).join(' | ')}`);
    assert.equal(fault.parsed.subject, '[Vigil] FAULT on vigil-test.example.com: backup vault unreachable');
    assert.match(fault.parsed.text ?? '', /documents: vault write failed at .*not-a-dir\/vault .*\(ENOTDIR\)/);
    assert.equal(fault.parsed.headers.get('x-vigil-fault'), 'vault-unreachable');
    const page = peer.received.find((m) => m.to.includes(PAGER) && /FAULT/.test(m.parsed.text ?? ''));
    assert.ok(page && [...(page.parsed.text ?? '').trim()].length <= 160);

    const before = peer.received.filter((m) => /FAULT/.test(m.parsed.subject ?? '')).length;
    clock.advance(3_600_000);
    await run('documents');
    assert.equal(peer.received.filter((m) => /FAULT/.test(m.parsed.subject ?? '')).length, before, 'the same fault does not alert again within remindEvery');

    await run('offsite');
    const engine = peer.received.find((m) => /FAULT .*backup engine missing/.test(m.parsed.subject ?? ''));
    assert.ok(engine, 'engine missing alerted');
    assert.match(engine.parsed.text ?? '', /offsite: \/nonexistent\/restic is not installed/);
  } finally {
    await app.close();
    await peer.stop();
    ws.cleanup();
  }
});

test('database unwritable: the alert goes around the Outbox (direct send) and into the system log', async () => {
  const peer = await SmtpPeer.start();
  const ws = new Workspace(config(peer.port, '/tmp'));
  const clock = new FakeClock();
  const app = openApp({ configFile: ws.configFile, clock, logLevel: 'error', systemLog: new RecordingSystemLog() });
  try {
    const syslog = new RecordingSystemLog();
    const readonly = Object.assign(new Error('attempt to write a readonly database'), { code: 'SQLITE_READONLY' });
    const faults = new FaultNotifier({
      config: app.loaded.config,
      outbox: { enqueueMany: async () => Promise.reject(readonly) },
      direct: new TransportDirectSender(app.transports, 'vigil-test.example.com', clock),
      systemLog: syslog,
      templates: app.notifications.templates,
      clock,
      log: silentLogger,
      host: 'vigil-test.example.com',
    });
    const verdict = await faults.handle({ kind: 'service.fault', fault: 'database-unwritable', detail: 'cannot record delivery results in the database: attempt to write a readonly database', set: null, at: clock.now() });
    assert.equal(verdict, 'direct');
    assert.equal(peer.received.length, 2, 'admin mail and pager form, sent directly');
    assert.equal(peer.received[0]!.parsed.subject, '[Vigil] FAULT on vigil-test.example.com: database unwritable');
    assert.match(syslog.lines[0] ?? '', /^service fault database-unwritable: cannot record delivery results .*could not queue the alert: not tried: the Outbox is in the database that failed/);
  } finally {
    await app.close();
    await peer.stop();
    ws.cleanup();
  }
});

test('the dispatcher reports a database that refuses its results as service.fault database-unwritable', async () => {
  const peer = await SmtpPeer.start();
  const ws = new Workspace(config(peer.port, '/tmp'));
  const app = openApp({ configFile: ws.configFile, logLevel: 'error', systemLog: new RecordingSystemLog() });
  try {
    await app.outbox.enqueue({ kind: 'mail.test', severity: 'info', profile: 'office', from: 'vigil@example.com', to: ['ops@example.com'], subject: 's', text: 't' });
    // The real store, except that recording results fails as a read-only database does.
    const real = app.store.outbox;
    const broken = new Proxy(real, {
      get(target, property) {
        if (property === 'complete') return async () => Promise.reject(Object.assign(new Error('attempt to write a readonly database'), { code: 'SQLITE_READONLY' }));
        const value = Reflect.get(target, property) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    }) as OutboxStore;
    const seen: VigilEvent[] = [];
    const dispatcher = new Dispatcher({
      store: broken,
      profiles: app.store.profiles,
      transports: app.transports,
      clock: app.clock,
      policy: { minBackoffMs: 60_000, maxBackoffMs: 600_000, maxAgeMs: 3_600_000 },
      concurrency: 1,
      owner: 'test',
      events: { emit: (e) => seen.push(e) },
      log: silentLogger,
    });
    await dispatcher.runPass();
    const fault = seen.find((e) => e.kind === 'service.fault');
    assert.ok(fault && fault.kind === 'service.fault');
    assert.equal(fault.fault, 'database-unwritable');
    assert.match(fault.detail, /readonly database/);
  } finally {
    await app.close();
    await peer.stop();
    ws.cleanup();
  }
});

test('faultOfRun reads the error code, or the engines’ whole run-level message; a set’s own failure is not a service fault', () => {
  type Status = 'failed' | 'incomplete' | 'completed-with-errors';
  const f = (firstError: string, status: Status = 'failed') => faultOfRun({ status, firstError });
  const coded = (code: 'ERR_VAULT_WRITE' | 'ERR_VAULT_NOT_FOUND' | 'ERR_VAULT_PASSPHRASE' | 'ERR_VAULT_UNREACHABLE' | 'ERR_VAULT_AUTH' | 'ERR_VAULT_HOST_KEY', errno?: string, firstError = 'x') =>
    faultOfRun({ status: 'failed', firstError, stoppedBy: errno ? { code, errno } : { code } });
  assert.equal(f('engine tarsnap is not available in this build'), 'engine-missing');
  assert.equal(f('restic is not installed (on Debian: apt install restic)'), 'engine-missing');
  assert.equal(f('restic exited with status 1: Fatal: unable to open config file: stat /r/config: no such file or directory | Is there a repository at the following location?'), 'vault-unreachable');
  assert.equal(f('restic exited with status 1: Fatal: unable to save snapshot: write /r/data/ab: no space left on device'), 'disk-full');
  assert.equal(coded('ERR_VAULT_WRITE', 'ENOSPC'), 'disk-full');
  assert.equal(coded('ERR_VAULT_WRITE', 'EDQUOT'), 'disk-full');
  assert.equal(coded('ERR_VAULT_WRITE', 'EROFS'), 'vault-unreachable');
  assert.equal(coded('ERR_VAULT_NOT_FOUND'), 'vault-unreachable');
  // An offsite vault (SFTP, S3): the host down, the key refused, the host key wrong — all "cannot get at the vault".
  assert.equal(coded('ERR_VAULT_UNREACHABLE'), 'vault-unreachable');
  assert.equal(coded('ERR_VAULT_AUTH'), 'vault-unreachable');
  assert.equal(coded('ERR_VAULT_HOST_KEY'), 'vault-unreachable');
  assert.equal(coded('ERR_VAULT_PASSPHRASE'), undefined, 'a wrong passphrase is the set’s problem');
  // The code wins over the first error, which may be an earlier per-file error.
  assert.equal(coded('ERR_VAULT_WRITE', 'ENOSPC', '/srv/docs/a.txt: cannot be read (EACCES)'), 'disk-full');
  assert.equal(f('cannot run /usr/local/bin/dump.sh: not found'), undefined);
  assert.equal(f('source path /srv/x does not exist; nothing was backed up'), undefined);
  assert.equal(f('no space left on device', 'completed-with-errors'), undefined, 'only failed/incomplete runs');
  // File names are user data: a run stopped part-way whose first error names such a file is not a fault.
  for (const hostile of [
    '/srv/mail/Re: disk quota exceeded.eml: cannot be read (EACCES)',
    '/srv/docs/no space left on device.txt: cannot be read (EIO)',
    '/srv/ENOSPC notes.txt: file changed while it was read',
    '/srv/no vault at home/x: directory cannot be read (EACCES); its contents are not in this snapshot',
    '/srv/unable to open repository.pdf: permission denied',
    '/srv/x is not installed (on Debian: apt install restic): cannot be read (EACCES)',
    'restic exited with status 1: /srv/no space left on device does not exist, skipping | Fatal: wrong password or no key found',
  ]) {
    assert.equal(f(hostile, 'incomplete'), undefined, hostile);
  }
});

test('the builtin engine’s vault errors carry the code and errno faultOfRun reads', () => {
  const enospc = Object.assign(new Error('write failed'), { code: 'ENOSPC' });
  assert.deepEqual(runStopper(vaultWriteError('/v/data/ab', enospc, 'writing a pack')), { code: 'ERR_VAULT_WRITE', errno: 'ENOSPC' });
  assert.deepEqual(runStopper(new VigilError('ERR_VAULT_NOT_FOUND', 'no vault at /v')), { code: 'ERR_VAULT_NOT_FOUND' });
});

test('a direct send is given up on shortly after the deadline even when the transport ignores its signal', { timeout: 10_000 }, async () => {
  const hung = { kind: 'smtp', send: () => new Promise<never>(() => undefined) };
  const transports = { transportFor: () => hung, attemptDeadlineMs: () => 50 };
  const direct = new TransportDirectSender(transports, 'vigil-test.example.com', new FakeClock());
  const request = { kind: 'service.fault.disk-full', severity: 'critical' as const, priority: PRIORITY.critical, profile: 'office', from: 'vigil@example.com', to: ['ops@example.com'], subject: 'FAULT', text: 'disk full' };
  const outcome = await direct.send(request);
  assert.equal(outcome.kind, 'ambiguous');
  assert.match(outcome.detail, /did not finish within 2050 ms/);
});
