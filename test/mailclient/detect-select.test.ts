import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Detector, type Detection } from '../../src/transports/mailclient/detect.js';
import { ChildProcessRunner } from '../../src/transports/mailclient/program-runner.js';
import { selectClients, DetectedClientSource } from '../../src/transports/mailclient/selection.js';
import { clientListProblems } from '../../src/domain/interactive-clients.js';
import { KNOWN_CLIENT_NAMES } from '../../src/transports/mailclient/catalogue.js';

const runner = new ChildProcessRunner();

test('on this Debian host: /usr/sbin/sendmail is Postfix’s, msmtp is on PATH, with versions', async () => {
  const detection = await new Detector({ runner }).detect();
  assert.equal(detection.sendmail.client, 'postfix');
  assert.ok(detection.sendmail.packages.includes('postfix'), detection.sendmail.packages.join(','));
  const msmtp = detection.clients.find((c) => c.name === 'msmtp');
  assert.equal(msmtp?.installed, true);
  assert.equal(msmtp?.path, '/usr/bin/msmtp');
  assert.match(msmtp?.version ?? '', /^\d+\.\d+/);
  const postfix = detection.clients.find((c) => c.name === 'postfix');
  assert.equal(postfix?.installed, true);
  assert.equal(postfix?.via, 'sendmail');
  assert.match(postfix?.version ?? '', /^\d+\.\d+/);
  assert.equal(detection.clients.find((c) => c.name === 'exim')?.installed, false);
});

test('a sendmail reached through an alternatives-style symlink chain is named by its real program', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-detect-'));
  try {
    mkdirSync(path.join(dir, 'alternatives'));
    symlinkSync('/usr/bin/msmtp', path.join(dir, 'alternatives', 'mta'));
    symlinkSync('alternatives/mta', path.join(dir, 'sendmail'));
    const identity = await new Detector({ runner, sendmailPath: path.join(dir, 'sendmail') }).identifySendmail();
    assert.deepEqual(identity.chain, [path.join(dir, 'sendmail'), path.join(dir, 'alternatives', 'mta'), '/usr/bin/msmtp']);
    assert.equal(identity.realPath, '/usr/bin/msmtp');
    assert.equal(identity.client, 'msmtp');
    assert.ok(identity.packages.includes('msmtp'), 'dpkg names the owner of the target');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('no sendmail at all: nothing is claimed', async () => {
  const identity = await new Detector({ runner, sendmailPath: '/nonexistent/sendmail' }).identifySendmail();
  assert.equal(identity.exists, false);
  assert.equal(identity.client, undefined);
});

function detection(installed: Record<string, { path: string; realPath?: string }>): Detection {
  return {
    sendmail: { path: '/usr/sbin/sendmail', exists: true, chain: ['/usr/sbin/sendmail'], packages: ['postfix'], client: 'postfix' },
    clients: KNOWN_CLIENT_NAMES.map((name) =>
      installed[name] ? { name, installed: true, ...installed[name], note: `${name} found` } : { name, installed: false, note: `${name} not found` },
    ),
  };
}

test('selection: listed-but-missing skipped, interactive refused with a reason, spooler skipped by default', () => {
  const found = detection({ postfix: { path: '/usr/sbin/sendmail' }, msmtp: { path: '/usr/bin/msmtp' } });
  const { entries, clients } = selectClients(['mutt', 'ssmtp', 'postfix', 'msmtp'], found, { usingSpooler: false });
  assert.deepEqual(clients.map((c) => c.name), ['msmtp']);
  const byName = Object.fromEntries(entries.map((e) => [e.name, e]));
  assert.equal(byName.mutt?.status, 'skipped');
  assert.equal(byName.mutt?.errorCode, 'ERR_MAILCLIENT_INTERACTIVE');
  assert.match(byName.mutt?.reason ?? '', /interactive/);
  assert.match(byName.ssmtp?.reason ?? '', /not installed/);
  assert.equal(byName.postfix?.errorCode, 'ERR_MAILCLIENT_SPOOLER');
  assert.match(byName.postfix?.reason ?? '', /does not mean delivered.*forever/);
  assert.equal(byName.msmtp?.status, 'selected');
});

test('selection: usingSpooler allows spooling clients, in preference order', () => {
  const found = detection({ postfix: { path: '/usr/sbin/sendmail' }, msmtp: { path: '/usr/bin/msmtp' } });
  const { entries, clients } = selectClients(['postfix', 'msmtp'], found, { usingSpooler: true });
  assert.deepEqual(clients.map((c) => [c.name, c.coupling]), [['postfix', 'spooling'], ['msmtp', 'tight']]);
  assert.deepEqual(entries.map((e) => e.status), ['selected', 'fallback']);
});

test('selection: the same program reached twice is used once', () => {
  const found = detection({ msmtp: { path: '/usr/bin/msmtp', realPath: '/usr/bin/msmtp' }, ssmtp: { path: '/usr/sbin/ssmtp', realPath: '/usr/bin/msmtp' } });
  const { clients } = selectClients(['msmtp', 'ssmtp'], found, { usingSpooler: false });
  assert.deepEqual(clients.map((c) => c.name), ['msmtp']);
});

test('the detected source caches its choice for a while, then looks again', async () => {
  let detections = 0;
  let now = 0;
  const source = new DetectedClientSource(
    { detect: async () => (detections++, detection({ msmtp: { path: '/usr/bin/msmtp' } })) },
    ['msmtp'],
    { usingSpooler: false, clock: { now: () => now } },
  );
  const signal = new AbortController().signal;
  await source.choose(signal);
  now += 1_000;
  await source.choose(signal);
  assert.equal(detections, 1);
  now += 120_000;
  const choice = await source.choose(signal);
  assert.equal(detections, 2);
  assert.deepEqual(choice.clients.map((c) => c.name), ['msmtp']);
  now -= 3_600_000; // the clock went backwards: look again rather than trust the cache
  await source.choose(signal);
  assert.equal(detections, 3);
});

test('config check: interactive clients refused with why, unknown names and repeats reported', () => {
  const problems = clientListProblems(['msmtp', 'mutt', 'mailx', 'foo', 'msmtp']);
  assert.deepEqual(problems.map((p) => [p.path[0], p.severity]), [[1, 'warning'], [2, 'warning'], [3, 'error'], [4, 'warning']]);
  assert.match(problems[0]?.message ?? '', /never be used: mutt is an interactive mail reader.*unattended/);
  assert.match(problems[2]?.message ?? '', /unknown mail client "foo"/);
});
