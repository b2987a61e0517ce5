import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { findCommand, suggestCommand } from '../../src/cli/find-command.js';
import { globalOptionLength } from '../../src/cli/global-options.js';
import { closest, editDistance } from '../../src/cli/suggest.js';

describe('did you mean', () => {
  test('a swap of neighbours is one edit; distance is symmetric and zero only for equals', () => {
    assert.equal(editDistance('tset', 'test'), 1);
    assert.equal(editDistance('outbx', 'outbox'), 1);
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('', 'abc'), 3);
    assert.equal(editDistance('abc', 'abc'), 0);
    assert.equal(editDistance('sitting', 'kitten'), editDistance('kitten', 'sitting'));
  });

  test('only a near miss is suggested: one edit per three characters', () => {
    assert.equal(closest('--stat', ['--state', '--limit']), '--state');
    assert.equal(closest('xyz', ['run', 'init']), undefined);
    assert.equal(closest('frobnicate', ['config check', 'start']), undefined);
  });

  test('the longer name wins a tie: `outbx list` is `outbox list`, not the group', () => {
    assert.equal(suggestCommand(['outbx', 'list']), 'outbox list');
    assert.equal(suggestCommand(['rn', 'docs']), 'run');
    assert.equal(suggestCommand(['config', 'check']), undefined);
  });
});

describe('global options anywhere', () => {
  test('how many arguments a global option takes', () => {
    assert.equal(globalOptionLength('--config'), 2);
    assert.equal(globalOptionLength('--config=x'), 1);
    assert.equal(globalOptionLength('-c'), 2);
    assert.equal(globalOptionLength('-cfile'), 1);
    assert.equal(globalOptionLength('-vc'), 2);
    assert.equal(globalOptionLength('-vh'), 1);
    assert.equal(globalOptionLength('--log-format'), 2);
    assert.equal(globalOptionLength('--state'), 0);
    assert.equal(globalOptionLength('-s'), 0);
    assert.equal(globalOptionLength('--constructor'), 0);
  });

  test('the command words are found around global options; a command option ends them', () => {
    const found = findCommand(['-vc', 'x.yaml', 'outbox', '--json', 'show', '12']);
    assert.equal(found.command?.name, 'outbox show');
    assert.deepEqual(found.rest, ['-vc', 'x.yaml', '--json', '12']);
    assert.equal(findCommand(['outbox', '--state', 'queued']).command?.name, 'outbox list');
    assert.equal(findCommand(['outbox', 'lsit']).command, undefined);
  });
});
