import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MailClientTransport, type HandOff } from '../../src/transports/mailclient/mail-client-transport.js';
import { ChildProcessRunner } from '../../src/transports/mailclient/program-runner.js';
import { ProgramLocks } from '../../src/transports/mailclient/program-locks.js';
import type { MailClient } from '../../src/transports/mailclient/mail-client.js';
import { fixedClock, fixedSource, fixtureClient, testMessage } from './helpers.js';

function transport(clients: MailClient[], options: { timeoutMs?: number; graceMs?: number; recorder?: (h: HandOff) => void; skipped?: Array<{ name: string; reason: string }> } = {}) {
  return new MailClientTransport({
    source: fixedSource(clients, options.skipped),
    runner: new ChildProcessRunner(),
    locks: new ProgramLocks(),
    clock: fixedClock,
    timeoutMs: options.timeoutMs ?? 10_000,
    graceMs: options.graceMs ?? 1_000,
    account: { HOME: '/nonexistent', USER: 'vigil' },
    ...(options.recorder ? { recorder: { record: async (h: HandOff) => options.recorder?.(h) } } : {}),
  });
}

function withDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-mc-'));
  return fn(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

test('a tightly coupled client that exits 0 is accepted; it gets -i, -f, -- and the exact bytes', () =>
  withDir(async (dir) => {
    const message = testMessage({ to: ['a@example.test', 'b@example.test'] });
    const outcome = await transport([fixtureClient('recorder', 'record.sh', { env: { RECORD_DIR: dir } })]).send(message, new AbortController().signal);
    assert.equal(outcome.kind, 'accepted', outcome.detail);
    assert.deepEqual(readFileSync(path.join(dir, '0.eml')), message.raw);
    assert.deepEqual(readFileSync(path.join(dir, '0.args'), 'utf8').trim().split('\n'), ['-i', '-f', 'vigil@example.test', '--', 'a@example.test', 'b@example.test']);
    assert.match(outcome.server ?? '', /recorder/);
  }));

test('a spooling client that exits 0 is queued-locally, never accepted, and the hand-off is recorded', () =>
  withDir(async (dir) => {
    const handOffs: HandOff[] = [];
    const message = testMessage();
    const client = fixtureClient('spooler', 'record.sh', { coupling: 'spooling', queueListing: 'postqueue-json', env: { RECORD_DIR: dir } });
    const outcome = await transport([client], { recorder: (h) => handOffs.push(h) }).send(message, new AbortController().signal);
    assert.equal(outcome.kind, 'queued-locally');
    assert.equal(handOffs.length, 1);
    assert.equal(handOffs[0]?.outboxId, message.id);
    assert.equal(handOffs[0]?.queueListing, 'postqueue-json');
  }));

test('a prompting client fails without a terminal; the next client is tried and delivers', () =>
  withDir(async (dir) => {
    const outcome = await transport([fixtureClient('prompter', 'tty-prompt.sh'), fixtureClient('recorder', 'record.sh', { env: { RECORD_DIR: dir } })]).send(
      testMessage(),
      new AbortController().signal,
    );
    assert.equal(outcome.kind, 'accepted', outcome.detail);
    assert.match(outcome.server ?? '', /recorder/);
    assert.match(outcome.transcript, /cannot open \/dev\/tty/);
    assert.equal(readdirSync(dir).filter((f) => f.endsWith('.eml')).length, 1);
  }));

test('a client that hangs after reading the message is ended at the deadline: ambiguous, and not handed to the next client', () =>
  withDir(async (dir) => {
    const outcome = await transport([fixtureClient('hanger', 'hang-after-read.sh'), fixtureClient('recorder', 'record.sh', { env: { RECORD_DIR: dir } })], {
      timeoutMs: 400,
      graceMs: 400,
    }).send(testMessage(), new AbortController().signal);
    assert.equal(outcome.kind, 'ambiguous', outcome.detail);
    assert.equal(outcome.errorCode, 'ERR_MAILCLIENT_TIMEOUT');
    assert.deepEqual(readdirSync(dir), [], 'a possible duplicate is not sent through another client');
  }));

test('a client that never reads the message is ended; the next client delivers', () =>
  withDir(async (dir) => {
    // Larger than a pipe buffer, so the message is provably not handed over.
    const message = testMessage({ body: 'x'.repeat(512 * 1024) });
    // One deadline serves both clients: it must be long enough for the recorder to finish on a
    // loaded machine (300 ms was not, and the recorder was ended as ambiguous).
    const outcome = await transport([fixtureClient('stubborn', 'no-read.sh'), fixtureClient('recorder', 'record.sh', { env: { RECORD_DIR: dir } })], {
      timeoutMs: 3_000,
      graceMs: 300,
    }).send(message, new AbortController().signal);
    assert.equal(outcome.kind, 'accepted', outcome.detail);
    assert.match(outcome.transcript, /not fully read/);
    assert.deepEqual(readFileSync(path.join(dir, '0.eml')), message.raw);
  }));

test('a hanging client does not delay other work: a send through another program finishes first', () =>
  withDir(async (dir) => {
    const order: string[] = [];
    const slow = transport([fixtureClient('ignorer', 'ignore-term.sh')], { timeoutMs: 1_500, graceMs: 500 })
      .send(testMessage(), new AbortController().signal)
      .then((o) => order.push(`slow:${o.kind}`));
    let ticks = 0;
    const ticker = setInterval(() => (ticks += 1), 20);
    const fast = transport([fixtureClient('recorder', 'record.sh', { env: { RECORD_DIR: dir } })])
      .send(testMessage(), new AbortController().signal)
      .then((o) => order.push(`fast:${o.kind}`));
    await Promise.all([slow, fast]);
    clearInterval(ticker);
    assert.deepEqual(order, ['fast:accepted', 'slow:ambiguous']);
    assert.ok(ticks > 0, 'the event loop kept running');
  }));

test('one hand-off per program at a time: concurrent sends to one program run one after another', () =>
  withDir(async (dir) => {
    const t = transport([fixtureClient('exclusive', 'exclusive.sh', { env: { RECORD_DIR: dir } })]);
    const outcomes = await Promise.all([1, 2, 3].map(() => t.send(testMessage(), new AbortController().signal)));
    assert.deepEqual(outcomes.map((o) => `${o.kind} ${o.detail}`), Array(3).fill('accepted exclusive exited 0: the relay accepted the message'));
    assert.equal(readdirSync(dir).filter((f) => f.startsWith('done.')).length, 3);
  }));

test('a missing program is skipped for the next one', () =>
  withDir(async (dir) => {
    const missing = fixtureClient('ghost', 'does-not-exist.sh');
    const outcome = await transport([missing, fixtureClient('recorder', 'record.sh', { env: { RECORD_DIR: dir } })]).send(testMessage(), new AbortController().signal);
    assert.equal(outcome.kind, 'accepted');
    assert.match(outcome.transcript, /ENOENT/);
  }));

test('every client failing temporarily gives temporary with each reason', async () => {
  const outcome = await transport([
    fixtureClient('tempfail', 'record.sh', { env: { RECORD_DIR: '/tmp/vigil-unused-a', RECORD_EXIT: '75' } }),
    fixtureClient('ghost', 'does-not-exist.sh'),
  ]).send(testMessage(), new AbortController().signal);
  rmSync('/tmp/vigil-unused-a', { recursive: true, force: true });
  assert.equal(outcome.kind, 'temporary');
  assert.match(outcome.detail, /tempfail exited 75/);
  assert.match(outcome.detail, /ghost cannot be started/);
});

test('no usable client: a configuration outcome naming why each was skipped', async () => {
  const outcome = await transport([], { skipped: [{ name: 'postfix', reason: 'spooling client, mail.usingSpooler is false' }] }).send(testMessage(), new AbortController().signal);
  assert.equal(outcome.kind, 'credentials');
  assert.equal(outcome.errorCode, 'ERR_MAILCLIENT_NONE');
  assert.match(outcome.detail, /postfix: spooling client/);
});

test('a client without "--" is never given a recipient that looks like an option', () =>
  withDir(async (dir) => {
    const outcome = await transport([fixtureClient('old', 'record.sh', { endOfOptions: false, env: { RECORD_DIR: dir } })]).send(
      testMessage({ to: ['-oQ/tmp@example.test'] }),
      new AbortController().signal,
    );
    assert.equal(outcome.kind, 'permanent');
    assert.deepEqual(readdirSync(dir), []);
  }));

test('shutdown aborts a hand-off in progress', async () => {
  const controller = new AbortController();
  const pending = transport([fixtureClient('hanger', 'hang-after-read.sh')], { timeoutMs: 60_000 }).send(testMessage(), controller.signal);
  setTimeout(() => controller.abort(), 200);
  const outcome = await pending;
  assert.equal(outcome.kind, 'ambiguous');
  assert.match(outcome.detail, /shutdown/);
});
