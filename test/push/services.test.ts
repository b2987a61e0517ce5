import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HttpPeer, type PeerBehaviour } from '../helpers/http-peer.js';
import { channelWorkspace, FAILURE, sendOne } from './helpers.js';
import { withCleanups } from '../helpers/cleanups.js';

const cleanups = withCleanups();

async function deliverTo(channelYaml: (url: string) => string, answer: PeerBehaviour, env: NodeJS.ProcessEnv = {}) {
  const peer = await HttpPeer.start(() => answer);
  cleanups.push(() => peer.stop());
  const ws = channelWorkspace(channelYaml(peer.url('/hook/secret-part')));
  cleanups.push(() => ws.cleanup());
  const { app, id } = await sendOne(ws, 'c', FAILURE, env);
  cleanups.push(() => app.close());
  return { peer, app, id, stored: await app.store.outbox.get(id), attempts: await app.store.outbox.attempts(id) };
}

test('Pushover: token and user first, priority 1 for a critical alert (2 with retry/expire when emergency is set); 200 status 1 is accepted', async () => {
  const env = { PO_TOKEN: 'azGDORePK8gMaC0QOYAMyEEuzJnyUi', PO_USER: 'uQiRzpo4DXghDmr9QzzfQu27cmVRsG' };
  const t = await deliverTo((url) => `  c: { type: pushover, url: "${url}", token: { env: PO_TOKEN }, user: { env: PO_USER }, allowInsecure: true, emergency: { retry: 60, expire: 3600 } }`, { status: 200, body: '{"status":1,"request":"647d2300-702c-4b38-8b2f-d56326ae460b"}' }, env);
  assert.equal(t.stored?.state, 'sent');
  assert.equal(
    t.peer.received[0]!.body.toString(),
    `{"token":"${env.PO_TOKEN}","user":"${env.PO_USER}","title":"Backup documents FAILED on vigil-test.example.com","message":"FAILED documents on vigil-test.example.com: vault unreachable\\nvigil activity show 42","priority":2,"retry":60,"expire":3600,"timestamp":1795168800}`,
  );
});

test('Pushover: 400 "application token is invalid" is the credentials (paused); 400 "message cannot be blank" is permanent', async () => {
  const env = { PO_TOKEN: 'azGDORePK8gMaC0QOYAMyEEuzJnyUi', PO_USER: 'uQiRzpo4DXghDmr9QzzfQu27cmVRsG' };
  const yaml = (url: string) => `  c: { type: pushover, url: "${url}", token: { env: PO_TOKEN }, user: { env: PO_USER }, allowInsecure: true }`;
  const bad = await deliverTo(yaml, { status: 400, body: '{"token":"invalid","errors":["application token is invalid"],"status":0,"request":"x"}' }, env);
  assert.match(bad.attempts[0]!.outcome, /^credentials/);
  assert.match(bad.attempts[0]!.detail, /application token is invalid/);
  const blank = await deliverTo(yaml, { status: 400, body: '{"message":"cannot be blank","errors":["message cannot be blank"],"status":0,"request":"x"}' }, env);
  assert.equal(blank.stored?.state, 'failed');
  assert.match(blank.stored?.lastError ?? '', /message cannot be blank/);
});

test('Teams, Mattermost and Google Chat bodies; 413 and 404 are permanent with the service’s text', async () => {
  const teamsPeer = await HttpPeer.start(() => ({ status: 202 }));
  cleanups.push(() => teamsPeer.stop());
  const ws = channelWorkspace(
    [
      `  teams: { type: teams, url: { env: TEAMS_URL }, allowInsecure: true }`,
      `  mm: { type: mattermost, url: { env: MM_URL }, allowInsecure: true }`,
      `  gchat: { type: googlechat, url: { env: GCHAT_URL }, allowInsecure: true }`,
    ].join('\n'),
  );
  cleanups.push(() => ws.cleanup());
  const mm = await HttpPeer.start(() => ({ status: 413, body: 'Unable to parse incoming data: too large' }));
  cleanups.push(() => mm.stop());
  const gchat = await HttpPeer.start(() => ({ status: 404, headers: { 'Content-Type': 'application/json' }, body: '{"error":{"code":404,"message":"Requested entity was not found.","status":"NOT_FOUND"}}' }));
  cleanups.push(() => gchat.stop());
  const env = { TEAMS_URL: teamsPeer.url('/workflows/abc?sig=SECRETSIG'), MM_URL: mm.url('/hooks/mmsecret'), GCHAT_URL: gchat.url('/v1/spaces/AAA/messages?key=K&token=GSECRET') };
  const teams = await sendOne(ws, 'teams', FAILURE, env);
  cleanups.push(() => teams.app.close());
  assert.equal((await teams.app.store.outbox.get(teams.id))?.state, 'sent');
  assert.equal(teamsPeer.received[0]!.url, '/workflows/abc?sig=SECRETSIG');
  const card = JSON.parse(teamsPeer.received[0]!.body.toString()) as { type: string; attachments: Array<{ contentType: string; content: { version: string; body: Array<{ type: string; text?: string; color?: string; facts?: Array<{ title: string; value: string }> }> } }> };
  assert.equal(card.type, 'message');
  assert.equal(card.attachments[0]!.contentType, 'application/vnd.microsoft.card.adaptive');
  assert.equal(card.attachments[0]!.content.version, '1.4');
  assert.equal(card.attachments[0]!.content.body[0]!.text, FAILURE.title);
  assert.equal(card.attachments[0]!.content.body[0]!.color, 'Attention');
  assert.deepEqual(card.attachments[0]!.content.body[2]!.facts!.find((f) => f.title === 'First error'), { title: 'First error', value: 'vault unreachable' });

  const m = await sendOne(ws, 'mm', FAILURE, env);
  cleanups.push(() => m.app.close());
  const mmBody = JSON.parse(mm.received[0]!.body.toString()) as { text: string; attachments: unknown[] };
  assert.equal(mmBody.text, FAILURE.title, 'Slack-compatible');
  const mmStored = await m.app.store.outbox.get(m.id);
  assert.equal(mmStored?.state, 'failed');
  assert.match(mmStored?.lastError ?? '', /HTTP 413: Unable to parse incoming data: too large/);

  const g = await sendOne(ws, 'gchat', FAILURE, env);
  cleanups.push(() => g.app.close());
  assert.equal(JSON.parse(gchat.received[0]!.body.toString()).text.split('\n')[0], `*${FAILURE.title}*`);
  assert.equal(gchat.received[0]!.headers['content-type'], 'application/json; charset=UTF-8');
  const gStored = await g.app.store.outbox.get(g.id);
  assert.equal(gStored?.state, 'failed');
  for (const a of await g.app.store.outbox.attempts(g.id)) assert.ok(!a.transcript.includes('GSECRET') && !a.detail.includes('GSECRET'));
});
