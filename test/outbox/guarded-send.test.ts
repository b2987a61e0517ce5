import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OutgoingMessage } from '../../src/domain/message.js';
import type { Transport } from '../../src/domain/transport.js';
import { sendGuarded, TRANSPORT_GRACE_MS } from '../../src/outbox/guarded-send.js';

// The transports here misbehave on purpose: no real one breaks its promises on demand.
const message: OutgoingMessage = { id: 'm1', messageId: '<m1@vigil.test>', profile: 'p', createdAt: 0, envelope: { from: 'a@b.test', to: ['c@d.test'] }, raw: Buffer.from('x') };
const never = new AbortController().signal;
const transport = (send: Transport['send']): Transport => ({ kind: 'smtp', send }) as Transport;

test('a transport that throws, even before returning a promise, is a temporary outcome', async () => {
  const sync = await sendGuarded(
    transport(() => {
      throw new Error('boom');
    }),
    message,
    never,
    1_000,
  );
  assert.equal(sync.kind, 'temporary');
  assert.match(sync.detail, /transport error: boom/);
  const async = await sendGuarded(transport(() => Promise.reject(new Error('later'))), message, never, 1_000);
  assert.equal(async.kind, 'temporary');
});

test('a transport that ignores its deadline is given up on as ambiguous after the grace', { timeout: TRANSPORT_GRACE_MS + 30_000 }, async () => {
  const outcome = await sendGuarded(transport(() => new Promise(() => {})), message, never, 10);
  assert.equal(outcome.kind, 'ambiguous');
  assert.match(outcome.detail, new RegExp(`did not finish within ${10 + TRANSPORT_GRACE_MS} ms`));
});

test('the outcome of a well-behaved transport and the signal pass through', async () => {
  const controller = new AbortController();
  let seen: AbortSignal | undefined;
  const outcome = await sendGuarded(
    transport(async (_m, signal) => {
      seen = signal;
      return { kind: 'accepted', detail: '250 ok', transcript: '' } as never;
    }),
    message,
    controller.signal,
    1_000,
  );
  assert.equal(outcome.kind, 'accepted');
  assert.equal(seen, controller.signal);
});
