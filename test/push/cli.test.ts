import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HttpPeer } from '../helpers/http-peer.js';
import { channelWorkspace } from './helpers.js';
import { withCleanups } from '../helpers/cleanups.js';

const cleanups = withCleanups();

test('vigil notify test NAME: a refused token prints the reply and a hint (exit 1) and pauses the channel; a good one prints ✓ (exit 0) and un-pauses it; vigil channels and the outbox show it', async () => {
  let token = 'bad';
  const tg = await HttpPeer.start((r) =>
    r.url.includes('/botGOOD') ? { status: 200, body: '{"ok":true,"result":{"message_id":1}}' } : { status: 401, body: '{"ok":false,"error_code":401,"description":"Unauthorized"}' },
  );
  cleanups.push(() => tg.stop());
  const ws = channelWorkspace(`  ops-tg: { type: telegram, url: "${tg.url('')}", botToken: { env: TG_TOKEN }, chatId: "-1001234567890", allowInsecure: true }`);
  cleanups.push(() => ws.cleanup());

  const refused = await ws.vigil(['notify', 'test', 'ops-tg'], { env: { TG_TOKEN: `${token}TOKEN123` } });
  assert.equal(refused.code, 1, refused.stderr);
  assert.match(refused.stderr, /✗ credentials: telegram refused the credentials \(HTTP 401: Unauthorized\)/);
  assert.match(refused.stderr, /reply: HTTP 401/);
  assert.match(refused.stderr, /hint: .*@BotFather/);
  assert.ok(!refused.stderr.includes('badTOKEN123'));

  const listed = await ws.vigil(['channels', '--json']);
  assert.equal(listed.code, 0, listed.stderr);
  const [row] = JSON.parse(listed.stdout) as Array<{ name: string; type: string; paused: boolean; last: { state: string } }>;
  assert.equal(row?.name, 'ops-tg');
  assert.equal(row?.type, 'telegram');
  assert.equal(row?.paused, true);
  assert.equal(row?.last.state, 'failed', 'a test is not retried');

  token = 'GOOD';
  const ok = await ws.vigil(['notify', 'test', 'ops-tg'], { env: { TG_TOKEN: token } });
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /✓ accepted by telegram \(HTTP 200\)/);
  const text = JSON.parse(tg.received[1]!.body.toString()).text as string;
  assert.match(text, /^<b>Vigil test message from vigil-test\.example\.com<\/b>/);
  const table = await ws.vigil(['channels']);
  assert.match(table.stdout, /^ops-tg\s+telegram\s+http:\/\/127\.0\.0\.1:\d+\s+active\s+sent /m);

  const list = await ws.vigil(['outbox', 'list']);
  assert.match(list.stdout, /sent\s+\S+\s+1\s+channel:ops-tg\s+notify\.test\s+Vigil test message/);
  const id = /^(\w+)\s+sent/m.exec(list.stdout)![1]!;
  const show = await ws.vigil(['outbox', 'show', id]);
  assert.match(show.stdout, /profile\s+channel:ops-tg/);
  assert.match(show.stdout, /via push:telegram 127\.0\.0\.1:\d+/);
  const failedId = /^(\w+)\s+failed/m.exec(list.stdout)![1]!;
  const retry = await ws.vigil(['outbox', 'retry', failedId]);
  assert.equal(retry.code, 0, retry.stderr);
  assert.match(retry.stdout, /deferred, due now/);

  // A Mail Profile's name runs `mail test` for it.
  const mail = await ws.vigil(['notify', 'test', 'local']);
  assert.equal(mail.code, 0, mail.stderr);
  assert.match(mail.stdout, /profile local, to ops@example\.com/);

  const unknown = await ws.vigil(['notify', 'test', 'nowhere']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /no channel or profile named "nowhere"/);
});
