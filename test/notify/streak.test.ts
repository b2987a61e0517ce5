import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decide, emptyStreak, type NotifyAction, type StreakState } from '../../src/notify/streak.js';
import { effectiveRule } from '../../src/notify/rules.js';
import type { FinalStatus } from '../../src/domain/activity.js';

const H = 3_600_000;
const REMIND = 24 * H;

/** Feeds runs through decide() and returns the action for each. */
function actions(runs: Array<[FinalStatus, number, string?]>, ruleInput = {}, start: StreakState = emptyStreak('docs')): NotifyAction[] {
  const rule = effectiveRule(ruleInput, {}, []);
  let state = start;
  return runs.map(([status, at, firstError]) => {
    const d = decide(state, { status, at, firstError: firstError ?? (status === 'completed' ? null : 'vault unreachable') }, rule, REMIND);
    state = d.next;
    return d.action;
  });
}

const table: Array<{ name: string; runs: Array<[FinalStatus, number, string?]>; rule?: object; want: NotifyAction[] }> = [
  { name: 'all good: nothing', runs: [['completed', 0], ['completed', H]], want: ['none', 'none'] },
  { name: 'first failure alerts, repeats are quiet', runs: [['failed', 0], ['failed', H], ['failed', 2 * H]], want: ['alert', 'none', 'none'] },
  { name: 'reminder after remindEvery, then quiet again', runs: [['failed', 0], ['failed', 23 * H], ['failed', 24 * H], ['failed', 30 * H], ['failed', 48 * H]], want: ['alert', 'none', 'reminder', 'none', 'reminder'] },
  { name: 'recovery after failures, then nothing', runs: [['failed', 0], ['failed', H], ['completed', 2 * H], ['completed', 3 * H]], want: ['alert', 'none', 'recovery', 'none'] },
  { name: 'failing a different way alerts afresh', runs: [['failed', 0], ['incomplete', H], ['incomplete', 2 * H]], want: ['alert', 'alert', 'none'] },
  { name: 'numbers in the error do not make a new failure', runs: [['failed', 0, 'disk full after 1024 bytes'], ['failed', H, 'disk full after 2048 bytes']], want: ['alert', 'none'] },
  { name: 'after: 3 waits for the third failure', rule: { after: 3 }, runs: [['failed', 0], ['failed', H], ['failed', 2 * H], ['failed', 3 * H]], want: ['none', 'none', 'alert', 'none'] },
  { name: 'after: 3 and recovery before it: no recovery notice', rule: { after: 3 }, runs: [['failed', 0], ['completed', H]], want: ['none', 'none'] },
  { name: 'status not in on: ignored', rule: { on: ['failed'] }, runs: [['completed-with-errors', 0], ['failed', H]], want: ['none', 'alert'] },
  { name: 'success in on: a status mail', rule: { on: ['completed-with-warnings', 'failed'] }, runs: [['completed-with-warnings', 0]], want: ['status'] },
  { name: 'skipped changes nothing', runs: [['failed', 0], ['skipped', H], ['completed', 2 * H]], want: ['alert', 'none', 'recovery'] },
  { name: 'clock moved backwards: no reminder', runs: [['failed', 10 * H], ['failed', 0], ['failed', 33 * H]], want: ['alert', 'none', 'none'] },
];

for (const row of table) {
  test(`streak: ${row.name}`, () => {
    assert.deepEqual(actions(row.runs, row.rule), row.want);
  });
}

test('streak: recovery reports the streak that ended', () => {
  const rule = effectiveRule(undefined, {}, []);
  let s = emptyStreak('docs');
  for (const at of [100, 200, 300]) s = decide(s, { status: 'failed', at, firstError: 'x' }, rule, REMIND).next;
  const d = decide(s, { status: 'completed', at: 400, firstError: null }, rule, REMIND);
  assert.equal(d.action, 'recovery');
  assert.deepEqual(d.ended, { failures: 3, failingSince: 100, lastStatus: 'failed' });
  assert.deepEqual(d.next, emptyStreak('docs'));
});

test('rules: the set wins key by key over notification.defaults', () => {
  const r = effectiveRule({ to: ['alice@example.com'] }, { on: ['failed'], detail: 'all', to: ['admins'] }, ['oncall']);
  assert.deepEqual(r, { on: ['failed'], to: ['alice@example.com'], pager: ['oncall'], detail: 'all', subject: undefined, after: 1 });
});
