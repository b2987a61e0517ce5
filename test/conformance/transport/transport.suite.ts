import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OUTCOME_KINDS, type DeliveryOutcome } from '../../../src/domain/outcome.js';
import { waitFor } from '../../helpers/wait-for.js';
import type { OpenRig, RigOptions, TransportRig } from './harness.js';

/** Long enough that only the shutdown signal can end an attempt against a hung peer. */
const LONG_DEADLINE_MS = 120_000;
/** Short, so a hung peer meets the transport's own deadline quickly. */
const SHORT_DEADLINE_MS = 400;
/** No case may take this long: an adapter that ignores its deadline or the signal fails here. */
const CASE_LIMIT_MS = 30_000;

/**
 * The contract of `Transport` (src/domain/transport.ts), run against every adapter with its real
 * peer (restic's backend suite is the model). An adapter is done when its row passes.
 * Every outcome any case sees is checked for the shared promises: a known kind, a sentence, a
 * transcript, and no secret anywhere in it.
 */
export function transportConformance(name: string, open: OpenRig): void {
  const withRig = (title: string, options: RigOptions, body: (rig: TransportRig, send: Send) => Promise<void>, needs: Array<'refuseNext' | 'hang'> = []) => {
    test(`${name}: transport: ${title}`, { timeout: CASE_LIMIT_MS }, async (t) => {
      const rig = await open(options);
      try {
        const missing = needs.filter((need) => rig[need] === undefined);
        if (missing.length > 0) {
          t.skip(`the peer of ${name} cannot ${missing.join(' or ')}`);
          return;
        }
        const send: Send = async (message = rig.message(), signal = new AbortController().signal) => {
          const outcome = await rig.transport.send(message, signal);
          assertWellFormed(outcome, rig.secrets);
          return outcome;
        };
        await body(rig, send);
      } finally {
        await rig.close();
      }
    });
  };
  const normal = { deadlineMs: LONG_DEADLINE_MS };

  withRig('a delivery is accepted and the peer gets the bytes as they are, again on a retry', normal, async (rig, send) => {
    const message = rig.message();
    const first = await send(message);
    assert.ok(first.kind === 'accepted' || first.kind === 'queued-locally', `${first.kind}: ${first.detail}`);
    await waitFor(async () => (await rig.delivered()).length === 1, { what: 'the peer has the message' });
    const again = await send(message); // a retry after an ambiguous loss sends the same message
    assert.equal(again.kind, first.kind);
    await waitFor(async () => (await rig.delivered()).length === 2, { what: 'the peer has it twice' });
    const [one, two] = await rig.delivered();
    assert.deepEqual(two, one, 'a retry sends the same bytes');
  });

  withRig('concurrent sends are all delivered, each once', normal, async (rig, send) => {
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => send()));
    assert.deepEqual(outcomes.map((o) => o.kind).filter((k) => k !== 'accepted' && k !== 'queued-locally'), []);
    await waitFor(async () => (await rig.delivered()).length === 5, { what: 'five deliveries' });
    assert.equal(new Set((await rig.delivered()).map((b) => b.toString('base64'))).size, 5, 'five different messages');
  });

  withRig(
    'a permanent refusal is `permanent`, and a secret the peer echoes in it is not shown',
    normal,
    async (rig, send) => {
      rig.refuseNext!('permanent', `refused: ${rig.secrets.join(' ') || 'no such recipient'}`);
      const outcome = await send();
      assert.equal(outcome.kind, 'permanent', outcome.detail);
    },
    ['refuseNext'],
  );

  withRig(
    'a temporary refusal is `temporary` (tried again later), never `permanent`',
    normal,
    async (rig, send) => {
      rig.refuseNext!('temporary', `busy: ${rig.secrets.join(' ') || 'try again later'}`);
      const outcome = await send();
      assert.equal(outcome.kind, 'temporary', outcome.detail);
      const next = await send();
      assert.ok(next.kind === 'accepted' || next.kind === 'queued-locally', `the peer works again: ${next.kind}: ${next.detail}`);
    },
    ['refuseNext'],
  );

  withRig(
    'a peer that never answers meets the transport’s own deadline: ambiguous once it has the message, else temporary',
    { deadlineMs: SHORT_DEADLINE_MS },
    async (rig, send) => {
      rig.hang!();
      const outcome = await send();
      // How far the attempt got before the deadline depends on the machine's speed; what it
      // means does not. A peer holding the message may deliver it: `ambiguous` (retried with the
      // same Message-ID and flagged). Short of that, the data may or may not have left.
      if ((await rig.delivered()).length > 0) assert.equal(outcome.kind, 'ambiguous', outcome.detail);
      else assert.ok(outcome.kind === 'temporary' || outcome.kind === 'ambiguous', `${outcome.kind}: ${outcome.detail}`);
    },
    ['hang'],
  );

  withRig(
    'shutdown (the signal) ends an attempt stuck on a peer that took the message: ambiguous',
    normal,
    async (rig, send) => {
      rig.hang!();
      const shutdown = new AbortController();
      const attempt = send(rig.message(), shutdown.signal);
      await waitFor(async () => (await rig.delivered()).length === 1, { what: 'the attempt reached the peer' });
      shutdown.abort();
      const outcome = await attempt;
      assert.equal(outcome.kind, 'ambiguous', `an abort after the data was sent: ${outcome.detail}`);
    },
    ['hang'],
  );

  withRig('a signal already aborted (shutting down) hands nothing on', normal, async (rig, send) => {
    const shutdown = new AbortController();
    shutdown.abort();
    const outcome = await send(rig.message(), shutdown.signal);
    assert.equal(outcome.kind, 'temporary', `nothing was handed on: ${outcome.detail}`);
    const after = await send(); // the transport still works for the next attempt
    assert.ok(after.kind === 'accepted' || after.kind === 'queued-locally', `${after.kind}: ${after.detail}`);
    await waitFor(async () => (await rig.delivered()).length >= 1, { what: 'the later message arrived' });
    assert.equal((await rig.delivered()).length, 1, 'only the later message was delivered');
  });

  withRig('close is idempotent', normal, async (rig, send) => {
    await send();
    await rig.transport.close?.();
    await rig.transport.close?.();
  });
}

type Send = (message?: ReturnType<TransportRig['message']>, signal?: AbortSignal) => Promise<DeliveryOutcome>;

/** The shape every outcome has, whatever the adapter and whatever happened. */
function assertWellFormed(outcome: DeliveryOutcome, secrets: readonly string[]): void {
  assert.ok((OUTCOME_KINDS as readonly string[]).includes(outcome.kind), `unknown outcome kind ${String(outcome.kind)}`);
  assert.equal(typeof outcome.detail, 'string');
  assert.ok(outcome.detail.length > 0, 'an outcome says what happened');
  assert.equal(typeof outcome.transcript, 'string');
  if (outcome.kind !== 'accepted' && outcome.kind !== 'queued-locally') assert.ok(outcome.errorCode, `a ${outcome.kind} outcome has an error code: ${outcome.detail}`);
  const shown = JSON.stringify(outcome);
  for (const secret of secrets) {
    for (const form of [secret, Buffer.from(secret).toString('base64')]) assert.ok(!shown.includes(form), `a secret is in the outcome: ${shown.slice(0, 500)}`);
  }
}
