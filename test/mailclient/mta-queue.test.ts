import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkHandOffs, parseMailq, parsePostqueueJson } from '../../src/transports/mailclient/mta-queue.js';

test('postqueue -j: one JSON object per line; a truncated line is skipped', () => {
  const text = [
    '{"queue_name": "deferred", "queue_id": "8ECE720C519", "arrival_time": 1795370593, "message_size": 228, "forced_expire": false, "sender": "a@b.test", "recipients": [{"address": "c@d.test", "delay_reason": "connect to 127.0.0.1[127.0.0.1]:2599: Connection refused"}]}',
    '{"queue_name": "maildrop", "queue_id": "EC24620C52F", "arrival_time": 1795370598, "sender": "a@b.test", "recipients": [{"address": "c@d.test"}]}',
    '{"queue_name": "active", "queue_id": "TRUNC',
  ].join('\n');
  const entries = parsePostqueueJson(text);
  assert.deepEqual(entries.map((e) => [e.queueId, e.queueName, e.arrivalTime]), [
    ['8ECE720C519', 'deferred', 1795370593000],
    ['EC24620C52F', 'maildrop', 1795370598000],
  ]);
  assert.deepEqual(entries[0]?.reasons, ['connect to 127.0.0.1[127.0.0.1]:2599: Connection refused']);
});

test('mailq: Sendmail/Postfix and Exim layouts', () => {
  const postfix = [
    '-Queue ID-  --Size-- ----Arrival Time---- -Sender/Recipient-------',
    '8ECE720C519*     228 Sun Nov 22 18:03:13  a@b.test',
    '(connect to 127.0.0.1[127.0.0.1]:2599: Connection refused)',
    '                                         c@d.test',
    '',
    '-- 0 Kbytes in 1 Request.',
  ].join('\n');
  assert.deepEqual(parseMailq(postfix).map((e) => [e.queueId, e.sender, e.recipients]), [['8ECE720C519', 'a@b.test', ['c@d.test']]]);
  const exim = [' 2h   1.2K 1tAbCd-000123-Xy <a@b.test>', '          c@d.test', '          e@f.test', ''].join('\n');
  assert.deepEqual(parseMailq(exim).map((e) => [e.queueId, e.sender, e.recipients]), [['1tAbCd-000123-Xy', 'a@b.test', ['c@d.test', 'e@f.test']]]);
});

const handOff = { outboxId: 'o1', messageId: '<m1@x>', sender: 'a@b.test', recipients: ['c@d.test'], handedAt: 1_000_000 };

test('matching: by Message-ID when known, else sender, recipients and arrival time', () => {
  const entry = { queueId: 'Q1', sender: 'a@b.test', recipients: ['c@d.test'], reasons: ['down'], arrivalTime: 1_000_500 };
  assert.equal(checkHandOffs([handOff], { ok: true, entries: [entry], detail: '' }, 1_000_600, 3_600_000)[0]?.status, 'in-queue');
  // Another message of the same sender, an hour off: not ours.
  const other = { ...entry, arrivalTime: 1_000_000 + 3_600_000 };
  assert.equal(checkHandOffs([handOff], { ok: true, entries: [other], detail: '' }, 1_000_600, 3_600_000)[0]?.status, 'left-queue');
  // A different Message-ID wins over a matching sender.
  const otherId = { ...entry, messageId: '<other@x>' };
  assert.equal(checkHandOffs([handOff], { ok: true, entries: [otherId], detail: '' }, 1_000_600, 3_600_000)[0]?.status, 'left-queue');
});

test('stuck: still queued after stuckAfter; an unreadable queue cannot clear an old message', () => {
  const entry = { queueId: 'Q1', sender: 'a@b.test', recipients: ['c@d.test'], reasons: [], messageId: '<m1@x>' };
  const later = 1_000_000 + 3_600_000;
  assert.deepEqual(checkHandOffs([handOff], { ok: true, entries: [entry], detail: '' }, later, 3_600_000)[0], { outboxId: 'o1', status: 'in-queue', stuck: true, queueId: 'Q1', reasons: [] });
  const unreadable = checkHandOffs([handOff], { ok: false, entries: [], detail: 'postqueue -j: exit 69' }, later, 3_600_000)[0];
  assert.equal(unreadable?.status, 'unknown');
  assert.equal(unreadable?.stuck, true);
  assert.equal(checkHandOffs([handOff], { ok: false, entries: [], detail: 'x' }, 1_000_100, 3_600_000)[0]?.stuck, false);
});
