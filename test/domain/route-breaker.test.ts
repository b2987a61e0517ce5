import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isRouteFailure, RouteBreaker, type RouteChange } from '../../src/domain/route-breaker.js';
import type { DeliveryOutcome } from '../../src/domain/outcome.js';

const refused: DeliveryOutcome = { kind: 'temporary', detail: 'connection refused', errorCode: 'ERR_SMTP_CONNECT', transcript: '' };
const accepted: DeliveryOutcome = { kind: 'accepted', detail: 'ok', transcript: '' };
const downUntil = (change: RouteChange | undefined) => (change?.kind === 'down' ? change.until : undefined);

test('which failures are the route’s and which the message’s', () => {
  assert.equal(isRouteFailure(refused), true);
  assert.equal(isRouteFailure({ ...refused, reply: { code: 421, text: 'closing' } }), true);
  assert.equal(isRouteFailure({ ...refused, reply: { code: 450, text: 'mailbox busy' } }), false, 'the server answered about this message');
  assert.equal(isRouteFailure({ ...refused, kind: 'ambiguous' }), false);
  assert.equal(isRouteFailure({ ...refused, kind: 'credentials' }), false, 'credentials pause the profile instead');
});

test('a route not known to work sends one probe and holds the rest; a failed probe takes it down for a doubling while', () => {
  const breaker = new RouteBreaker({ firstMs: 15_000, maxMs: 60_000 });
  assert.equal(breaker.admit('office', 0), 'probe');
  assert.equal(breaker.admit('office', 0), 'hold');
  assert.equal(breaker.admit('other', 0), 'probe', 'routes are independent');
  assert.deepEqual(breaker.excluded(0).sort(), ['office', 'other']);

  assert.deepEqual(breaker.record('office', refused, 1_000), { kind: 'down', until: 16_000, reason: 'connection refused' });
  assert.equal(breaker.record('office', refused, 1_500), undefined, 'an attempt already out does not extend the period');
  assert.equal(breaker.nextProbeAt(2_000), 16_000);
  assert.equal(breaker.admit('office', 15_999), 'hold');
  assert.equal(breaker.admit('office', 16_000), 'probe');
  assert.equal(downUntil(breaker.record('office', refused, 16_000)), 46_000, 'doubled');
  assert.equal(breaker.admit('office', 46_000), 'probe');
  assert.equal(downUntil(breaker.record('office', refused, 46_000)), 106_000, 'capped at maxMs');

  assert.equal(breaker.admit('office', 106_000), 'probe');
  assert.deepEqual(breaker.record('office', accepted, 106_100), { kind: 'up' }, 'back up: the caller lifts the suspension');
  assert.equal(breaker.record('office', accepted, 106_200), undefined, 'no change');
  assert.equal(breaker.admit('office', 106_100), 'send');
  assert.equal(breaker.admit('office', 106_100), 'send', 'a route that works is not gated');
  assert.equal(downUntil(breaker.record('office', refused, 107_000)), 122_000, 'the count starts again after a success');
});

test('an attempt not tried (our own queue for a connection) proves nothing about the route', () => {
  const notTried: DeliveryOutcome = { kind: 'temporary', detail: 'not tried: no connection free', errorCode: 'ERR_SMTP_NO_CONNECTION_FREE', notTried: true, transcript: '' };
  const breaker = new RouteBreaker({ firstMs: 15_000, maxMs: 60_000 });
  assert.equal(breaker.admit('office', 0), 'probe');
  assert.equal(breaker.record('office', notTried, 1_000), undefined, 'not taken down');
  assert.equal(breaker.admit('office', 1_000), 'probe', 'still unproven: the next message probes');
  assert.deepEqual(breaker.record('office', accepted, 2_000), { kind: 'up' });
  assert.equal(breaker.record('office', notTried, 3_000), undefined);
  assert.equal(breaker.admit('office', 3_000), 'send', 'a working route stays up');
});
