import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyRun, replyFromStderr } from '../../src/transports/mailclient/classify.js';
import { KNOWN_CLIENTS, type KnownClientName } from '../../src/transports/mailclient/catalogue.js';
import type { ProgramResult } from '../../src/transports/mailclient/program-runner.js';

function run(overrides: Partial<ProgramResult>): ProgramResult {
  return { exitCode: 0, exitSignal: null, stdout: '', stderr: '', stdinComplete: true, ended: 'no', killedWith: 'none', bytesOut: 0, durationMs: 5, ...overrides };
}

// [client, exit code, stderr, expected kind, try the next client?, error code]
type Row = [KnownClientName, number, string, string, boolean, string | undefined];
const table: Row[] = [
  // msmtp: tightly coupled; measured exit codes (REFERENCE-MAIL.md)
  ['msmtp', 0, '', 'accepted', false, undefined],
  ['msmtp', 75, 'msmtp: cannot connect to 127.0.0.1, port 25: Connection refused', 'temporary', true, 'ERR_MAILCLIENT_EXIT'],
  ['msmtp', 74, 'msmtp: cannot read from 127.0.0.1: operation timed out', 'temporary', true, 'ERR_MAILCLIENT_EXIT'],
  ['msmtp', 69, 'msmtp: recipient address x@y not accepted by the server\nmsmtp: server message: 450 4.2.0 mailbox busy', 'temporary', true, 'ERR_SMTP_DEFERRED'],
  ['msmtp', 65, 'msmtp: server message: 500 5.5.2 syntax error', 'permanent', false, 'ERR_SMTP_REJECTED'],
  ['msmtp', 65, '', 'permanent', false, 'ERR_MAILCLIENT_REJECTED'],
  ['msmtp', 69, 'msmtp: the server did not accept the mail\nmsmtp: server message: 451 4.3.0 try again later', 'temporary', true, 'ERR_SMTP_DEFERRED'],
  ['msmtp', 69, 'msmtp: the server did not accept the mail\nmsmtp: server message: 554 5.6.0 message rejected', 'permanent', false, 'ERR_SMTP_REJECTED'],
  ['msmtp', 69, 'msmtp: server message: 550 5.7.1 relaying denied', 'credentials', false, 'ERR_SMTP_POLICY'],
  ['msmtp', 69, 'msmtp: could not send mail', 'temporary', true, 'ERR_MAILCLIENT_EXIT'],
  ['msmtp', 76, 'msmtp: cannot read from server: connection closed', 'ambiguous', false, 'ERR_MAILCLIENT_AMBIGUOUS'],
  ['msmtp', 77, 'msmtp: authentication failed (method PLAIN)\nmsmtp: server message: 535 5.7.8 bad credentials', 'credentials', false, 'ERR_SMTP_AUTH'],
  ['msmtp', 77, 'msmtp: authentication failed', 'credentials', true, 'ERR_MAILCLIENT_CONFIG'],
  ['msmtp', 78, 'msmtp: no configuration file available', 'credentials', true, 'ERR_MAILCLIENT_CONFIG'],
  ['msmtp', 68, 'msmtp: cannot locate host smtp.example: Name or service not known', 'temporary', true, 'ERR_MAILCLIENT_EXIT'],
  ['msmtp', 64, 'msmtp: unknown option', 'temporary', true, 'ERR_MAILCLIENT_UNUSABLE'],
  ['msmtp', 127, '', 'temporary', true, 'ERR_MAILCLIENT_UNUSABLE'],
  ['msmtp', 126, '', 'temporary', true, 'ERR_MAILCLIENT_UNUSABLE'],
  // ssmtp exits 1 for everything; what it prints decides
  ['ssmtp', 0, '', 'accepted', false, undefined],
  ['ssmtp', 1, 'ssmtp: 550 5.1.1 <x@y>: Recipient address rejected', 'permanent', false, 'ERR_SMTP_REJECTED'],
  ['ssmtp', 1, 'ssmtp: 421 4.4.2 closing connection', 'temporary', true, 'ERR_SMTP_DEFERRED'],
  ['ssmtp', 1, 'ssmtp: Cannot open mail:25', 'temporary', true, 'ERR_MAILCLIENT_EXIT'],
  // spooling programs: exit 0 is only "queued here"
  ['postfix', 0, '', 'queued-locally', false, undefined],
  ['postfix', 75, 'postdrop: warning: unable to look up public/pickup: No such file or directory', 'temporary', true, 'ERR_MAILCLIENT_EXIT'],
  ['postfix', 78, 'sendmail: fatal: open /etc/postfix/main.cf: No such file or directory', 'credentials', true, 'ERR_MAILCLIENT_CONFIG'],
  ['postfix', 64, 'sendmail: fatal: usage', 'temporary', true, 'ERR_MAILCLIENT_UNUSABLE'],
  ['postfix', 69, 'server message: 550 5.1.1 would be ignored: postfix does not speak SMTP here', 'temporary', true, 'ERR_MAILCLIENT_EXIT'],
  ['exim', 0, '', 'queued-locally', false, undefined],
  ['exim', 1, 'exim: bad address', 'temporary', true, 'ERR_MAILCLIENT_EXIT'],
  // OpenSMTPD saved the message offline: retrying would duplicate it
  ['opensmtpd', 75, 'sendmail: mail saved offline', 'queued-locally', false, undefined],
  ['opensmtpd', 0, '', 'queued-locally', false, undefined],
  ['nullmailer', 0, '', 'queued-locally', false, undefined],
  ['nullmailer', 1, 'nullmailer-inject: Error queueing the message', 'temporary', true, 'ERR_MAILCLIENT_EXIT'],
  ['dma', 0, '', 'queued-locally', false, undefined],
  ['dma', 67, '', 'permanent', false, 'ERR_MAILCLIENT_REJECTED'],
  ['dma', 73, 'dma: can not create spool file', 'temporary', true, 'ERR_MAILCLIENT_EXIT'],
  ['sendmail', 0, '', 'queued-locally', false, undefined],
  ['sendmail', 75, '', 'temporary', true, 'ERR_MAILCLIENT_EXIT'],
  ['sendmail', 77, '', 'credentials', true, 'ERR_MAILCLIENT_CONFIG'],
];

for (const [name, exitCode, stderr, kind, tryNext, errorCode] of table) {
  test(`${name} exit ${exitCode}${stderr ? ` «${stderr.split('\n').at(-1)}»` : ''} → ${kind}`, () => {
    const verdict = classifyRun(name, KNOWN_CLIENTS[name], run({ exitCode, stderr }));
    assert.equal(verdict.kind, kind, verdict.detail);
    assert.equal(verdict.tryNext, tryNext);
    assert.equal(verdict.errorCode, errorCode);
  });
}

test('ended at the deadline after the whole message was written: ambiguous, never retried on another client', () => {
  const verdict = classifyRun('msmtp', KNOWN_CLIENTS.msmtp, run({ exitCode: null, exitSignal: 'SIGTERM', ended: 'deadline', killedWith: 'SIGTERM', stdinComplete: true }));
  assert.equal(verdict.kind, 'ambiguous');
  assert.equal(verdict.errorCode, 'ERR_MAILCLIENT_TIMEOUT');
  assert.equal(verdict.tryNext, false);
});

test('ended at the deadline before the message was read: temporary, next client', () => {
  const verdict = classifyRun('postfix', KNOWN_CLIENTS.postfix, run({ exitCode: null, exitSignal: 'SIGKILL', ended: 'deadline', killedWith: 'SIGKILL', stdinComplete: false }));
  assert.equal(verdict.kind, 'temporary');
  assert.equal(verdict.tryNext, true);
});

test('killed by someone else mid-hand-off, message written: ambiguous', () => {
  const verdict = classifyRun('dma', KNOWN_CLIENTS.dma, run({ exitCode: null, exitSignal: 'SIGKILL' }));
  assert.equal(verdict.kind, 'ambiguous');
});

test('could not start: temporary, next client', () => {
  const verdict = classifyRun('msmtp', KNOWN_CLIENTS.msmtp, run({ exitCode: null, spawnError: { code: 'EACCES', message: 'permission denied' }, stdinComplete: false }));
  assert.equal(verdict.kind, 'temporary');
  assert.equal(verdict.errorCode, 'ERR_MAILCLIENT_UNUSABLE');
  assert.equal(verdict.tryNext, true);
});

test('exit 0 without reading the message is not a delivery', () => {
  const verdict = classifyRun('msmtp', KNOWN_CLIENTS.msmtp, run({ exitCode: 0, stdinComplete: false }));
  assert.equal(verdict.kind, 'temporary');
});

test('replyFromStderr reads msmtp’s server message and keeps the enhanced code', () => {
  assert.deepEqual(replyFromStderr('msmtp: envelope from address a@b not accepted by the server\nmsmtp: server message: 553 5.1.8 sender rejected\nmsmtp: could not send mail'), {
    code: 553,
    enhanced: '5.1.8',
    text: 'sender rejected',
  });
  assert.equal(replyFromStderr('msmtp: cannot connect to x, port 25: Connection refused'), undefined);
});
