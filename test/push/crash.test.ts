import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { openApp } from '../../src/app/context.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { HttpPeer } from '../helpers/http-peer.js';
import { REPO_ROOT } from '../helpers/workspace.js';
import { channelWorkspace, FAILURE } from './helpers.js';
import { waitFor } from '../helpers/wait-for.js';
import { withCleanups } from '../helpers/cleanups.js';

const cleanups = withCleanups();

const SECRET = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;

test('a Vigil SIGKILLed mid-request loses nothing: after the lease the message is sent again with the same webhook-id and bytes', async () => {
  let answer = false;
  const hook = await HttpPeer.start(() => (answer ? { status: 200 } : 'hang'));
  cleanups.push(() => hook.stop());
  const ws = channelWorkspace(`  cmdb: { type: webhook, url: "${hook.url('/hook')}", secret: { env: HOOK_SECRET }, timeoutSeconds: 30, allowInsecure: true }`);
  cleanups.push(() => ws.cleanup());
  const env = { HOOK_SECRET: SECRET };
  const app = openApp({ configFile: ws.configFile, logLevel: 'error', env });
  const { id } = await app.outbox.enqueue({ kind: 'backup.failed', severity: 'critical', profile: 'channel:cmdb', from: 'vigil', to: ['cmdb'], subject: FAILURE.title, text: FAILURE.text, channel: { name: 'cmdb', content: FAILURE } });
  await app.close();

  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'src/cli/main.ts'), 'outbox', 'deliver', '--config', ws.configFile], { cwd: REPO_ROOT, stdio: 'ignore', env: { ...process.env, ...env } });
  const exited = new Promise((resolve) => child.on('close', resolve));
  await waitFor(() => hook.received.length === 1, 30_000);
  child.kill('SIGKILL');
  await exited;

  // The lease outlives the dead process; a clock past it lets the next pass take the message.
  const clock = new FakeClock(Date.now());
  const check = openApp({ configFile: ws.configFile, logLevel: 'error', env, clock });
  cleanups.push(() => check.close());
  const held = await check.store.outbox.get(id);
  assert.equal(held?.state, 'sending', 'the dead process still holds the lease');
  assert.equal((await check.dispatcher.runPass()).attempted, 0, 'nobody else sends it while the lease lives');
  clock.set(held!.nextAttemptAt + 1);
  answer = true;
  const report = await check.dispatcher.runPass();
  assert.equal(report.sent, 1);
  assert.equal(hook.received.length, 2);
  assert.equal(hook.received[1]!.headers['webhook-id'], hook.received[0]!.headers['webhook-id']);
  assert.equal(hook.received[1]!.headers['webhook-id'], `msg_${id}`);
  assert.deepEqual(hook.received[1]!.body, hook.received[0]!.body);
});

test('a 429 storm (Retry-After: 1) holds the channel for the wait without a request per message, and loses none', async () => {
  let limited = true;
  const sink = await HttpPeer.start(() => (limited ? { status: 429, headers: { 'Retry-After': '1' }, body: 'rate limited' } : { status: 200, body: 'ok' }));
  cleanups.push(() => sink.stop());
  const ws = channelWorkspace(`  team: { type: slack, url: { env: SLACK_URL }, allowInsecure: true }`, '');
  cleanups.push(() => ws.cleanup());
  const clock = new FakeClock(Date.now());
  const app = openApp({ configFile: ws.configFile, logLevel: 'error', env: { SLACK_URL: sink.url('/services/x') }, clock });
  cleanups.push(() => app.close());
  const requests = Array.from({ length: 50 }, (_, i) => ({ kind: 'backup.failed', severity: 'critical' as const, profile: 'channel:team', from: 'vigil', to: ['team'], subject: `s${i}`, text: 't', channel: { name: 'team', content: { ...FAILURE, title: `alert ${i}` } } }));
  await app.outbox.enqueueMany(requests);
  const first = await app.dispatcher.runPass();
  // The channel is a route not yet known to work: one message probes it, and the 429 holds the
  // route for its Retry-After (the route breaker) — the other 49 wait without a request.
  assert.equal(first.attempted, 1, 'one probe: no spinning on 429');
  assert.equal(first.deferred, 1);
  assert.equal(sink.received.length, 1, `${sink.received.length} requests reached the rate-limited service`);
  assert.equal((await app.dispatcher.runPass()).attempted, 0, 'nothing is tried before the wait');
  const details = new Set<string>();
  for (const m of await app.store.outbox.list({})) for (const a of await app.store.outbox.attempts(m.id)) details.add(a.detail.replace(/\d+ s/, 'N s'));
  assert.deepEqual([...details], ['slack is rate-limiting (HTTP 429: rate limited); it asked to wait N s']);
  limited = false;
  clock.advance(3_600_000);
  let sent = 0;
  for (let pass = 0; pass < 5 && sent < 50; pass++) sent += (await app.dispatcher.runPass()).sent;
  assert.equal(sent, 50);
  const titles = new Set(sink.received.slice(-50).map((r) => (JSON.parse(r.body.toString()) as { text: string }).text));
  assert.equal(titles.size, 50, 'every message arrived');
});
