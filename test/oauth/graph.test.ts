import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { simpleParser } from 'mailparser';
import { openApp, type AppContext } from '../../src/app/context.js';
import { deliveryHint } from '../../src/transports/hints.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { Workspace } from '../helpers/workspace.js';
import { CloudPeer } from './cloud-peer.js';
import { GRAPH_SECRET, graphConfig, oauthEnv } from './helpers.js';
import { withCleanups } from '../helpers/cleanups.js';

let peer: CloudPeer;
const cleanups = withCleanups();
before(async () => {
  peer = await CloudPeer.start();
  cleanups.push(() => peer.stop());
  peer.apps.push({ tenant: 'contoso.onmicrosoft.com', clientId: 'app-graph', secret: GRAPH_SECRET });
});

function app(yaml = graphConfig(peer)): { context: AppContext; clock: FakeClock } {
  const ws = new Workspace(yaml);
  const clock = new FakeClock(Date.now());
  const context = openApp({ configFile: ws.configFile, clock, env: oauthEnv, logLevel: 'error' });
  cleanups.push(async () => {
    await context.close();
    ws.cleanup();
  });
  return { context, clock };
}

async function alert(context: AppContext, subject = 'documents failed') {
  return context.outbox.enqueue({ kind: 'backup.failed', severity: 'critical', profile: 'm365', from: 'Vigil <backup@contoso.com>', to: ['ops@example.com'], subject, text: 'The backup failed.' });
}

async function lastAttempt(context: AppContext, id: string) {
  const attempts = await context.store.outbox.attempts(id);
  return attempts[attempts.length - 1]!;
}

/** Every stored word about every attempt, to grep for secrets. */
async function everythingStored(context: AppContext, id: string): Promise<string> {
  return JSON.stringify(await context.store.outbox.attempts(id)) + JSON.stringify(await context.store.outbox.get(id));
}

function assertNoSecrets(text: string): void {
  assert.ok(!text.includes(GRAPH_SECRET), 'the client secret is never stored');
  for (const token of peer.issued) assert.ok(!text.includes(token), 'no access token is ever stored');
}

test('202 → sent, recorded as accepted by Exchange (not delivered); the raw MIME Vigil rendered is what Graph got', async () => {
  const { context } = app();
  const { id } = await alert(context);
  const before = peer.sendMail.length;
  assert.equal((await context.dispatcher.runPass()).sent, 1);
  const request = peer.sendMail[before]!;
  assert.equal(request.mailbox, 'backup@contoso.com');
  assert.equal(request.contentType, 'text/plain');
  assert.ok(peer.validTokens.has(request.token));
  const parsed = await simpleParser(request.mime);
  assert.equal(parsed.messageId, `<${id}@vigil-test.example.com>`);
  assert.equal(parsed.subject, 'documents failed');
  assert.equal(parsed.headers.get('auto-submitted'), 'auto-generated');
  const attempt = await lastAttempt(context, id);
  assert.equal(attempt.outcome, 'accepted');
  assert.equal(attempt.transport, 'graph');
  assert.match(attempt.detail, /accepted by Exchange.*not confirmed/);
  assert.equal((await context.store.outbox.get(id))?.state, 'sent');
  assert.equal(peer.tokenRequests.at(-1)!.form.scope, `${peer.url}/.default`);
  assertNoSecrets(await everythingStored(context, id));
});

test('429 → deferred for exactly the delay Graph asked for, even beyond maxBackoff; HTTP-date too', async () => {
  const { context, clock } = app();
  peer.graphReplies.push({ status: 429, headers: { 'Retry-After': '7200' }, body: { error: { code: 'ApplicationThrottled', message: 'Application is over its MailboxConcurrency limit.' } } });
  const { id } = await alert(context);
  const now = clock.now();
  assert.equal((await context.dispatcher.runPass()).deferred, 1);
  const stored = await context.store.outbox.get(id);
  assert.equal(stored?.state, 'deferred');
  assert.equal(stored?.nextAttemptAt, now + 7_200_000);
  const attempt = await lastAttempt(context, id);
  assert.equal(attempt.errorCode, 'ERR_GRAPH_DEFERRED');
  assert.match(attempt.detail, /ApplicationThrottled.*wait 7200 s/);
  assert.equal((await context.store.profiles.get('m365')).pausedUntil, null, 'throttling does not pause the profile');

  clock.advance(7_200_000);
  peer.graphReplies.push({ status: 503, headers: { 'Retry-After': new Date(clock.now() + 3 * 3_600_000).toUTCString() }, body: { error: { code: 'ServiceUnavailable', message: 'Service Unavailable' } } });
  assert.equal((await context.dispatcher.runPass()).deferred, 1);
  const again = await context.store.outbox.get(id);
  assert.ok(Math.abs(again!.nextAttemptAt - (clock.now() + 3 * 3_600_000)) < 1000, 'an HTTP-date Retry-After is honoured');
  clock.advance(3 * 3_600_000);
  assert.equal((await context.dispatcher.runPass()).sent, 1);
});

test('401 → the token is refetched once and the send retried; a second 401 pauses the profile', async () => {
  const { context } = app();
  const { id } = await alert(context);
  const tokensBefore = peer.issued.length;
  const sendsBefore = peer.sendMail.length;
  const expired = { status: 401, body: { error: { code: 'InvalidAuthenticationToken', message: 'Access token has expired or is not yet valid.' } } };
  peer.graphReplies.push(expired, expired);
  assert.equal((await context.dispatcher.runPass()).deferred, 1);
  assert.equal(peer.issued.length - tokensBefore, 2, 'one token, then exactly one refetch');
  assert.equal(peer.sendMail.length - sendsBefore, 2);
  assert.notEqual(peer.sendMail[sendsBefore]!.token, peer.sendMail[sendsBefore + 1]!.token);
  const attempt = await lastAttempt(context, id);
  assert.equal(attempt.outcome, 'credentials');
  assert.equal(attempt.errorCode, 'ERR_GRAPH_AUTH');
  assert.ok((await context.store.profiles.get('m365')).pausedUntil !== null, 'profile paused');
  assertNoSecrets(await everythingStored(context, id));
});

test('a single 401 (token revoked early) is cured by the refetch: sent', async () => {
  const { context } = app();
  const { id } = await alert(context);
  peer.graphReplies.push({ status: 401, body: { error: { code: 'InvalidAuthenticationToken', message: 'Lifetime validation failed, the token is expired.' } } });
  assert.equal((await context.dispatcher.runPass()).sent, 1);
  assert.match((await lastAttempt(context, id)).transcript, /HTTP 401[\s\S]*new access token[\s\S]*HTTP 202/);
});

test('403 → credentials with a Mail.Send / access policy hint; 400 → failed with Graph’s code', async () => {
  const { context } = app();
  peer.graphReplies.push({ status: 403, body: { error: { code: 'ErrorAccessDenied', message: 'Access is denied. Check credentials and try again.' } } });
  const { id } = await alert(context);
  await context.dispatcher.runPass();
  const denied = await lastAttempt(context, id);
  assert.equal(denied.outcome, 'credentials');
  assert.match(deliveryHint({ kind: 'credentials', errorCode: 'ERR_GRAPH_AUTH', detail: denied.detail, transcript: '' }) ?? '', /Mail\.Send.*Application.*admin consent.*application access policy/s);

  const other = app();
  peer.graphReplies.push({ status: 400, body: { error: { code: 'ErrorInvalidRecipients', message: 'At least one recipient is not valid.' } } });
  const second = await alert(other.context, 'second');
  assert.equal((await other.context.dispatcher.runPass()).failed, 1);
  assert.equal((await other.context.store.outbox.get(second.id))?.state, 'failed');
  assert.match((await lastAttempt(other.context, second.id)).detail, /400, ErrorInvalidRecipients: At least one recipient is not valid/);
});

test('the connection lost after the request was sent → ambiguous, retried and flagged as a possible duplicate', async () => {
  const { context, clock } = app();
  const { id } = await alert(context);
  peer.dropNextSendMail = true;
  assert.equal((await context.dispatcher.runPass()).deferred, 1);
  const attempt = await lastAttempt(context, id);
  assert.equal(attempt.outcome, 'ambiguous');
  assert.equal(attempt.errorCode, 'ERR_GRAPH_AMBIGUOUS');
  clock.advance(60_000);
  assert.equal((await context.dispatcher.runPass()).sent, 1);
  assert.equal((await context.store.outbox.get(id))?.possibleDuplicate, true);
});

test('a refused client secret: nothing is sent, the profile is paused, the hint names the secret', async () => {
  const { context } = app(graphConfig(peer, { clientId: 'app-graph-wrong' }));
  peer.apps.push({ tenant: 'contoso.onmicrosoft.com', clientId: 'app-graph-wrong', secret: 'not-what-we-send' });
  const sendsBefore = peer.sendMail.length;
  const { id } = await alert(context);
  await context.dispatcher.runPass();
  assert.equal(peer.sendMail.length, sendsBefore);
  const attempt = await lastAttempt(context, id);
  assert.equal(attempt.errorCode, 'ERR_OAUTH_TOKEN');
  assert.match(attempt.detail, /AADSTS7000215/);
  assert.match(deliveryHint({ kind: 'credentials', errorCode: 'ERR_OAUTH_TOKEN', detail: attempt.detail, transcript: '' }) ?? '', /client secret is wrong/);
  assert.ok((await context.store.profiles.get('m365')).pausedUntil !== null);
  assertNoSecrets(await everythingStored(context, id));
});
