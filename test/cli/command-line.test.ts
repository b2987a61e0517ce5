import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, Workspace, runVigil } from '../helpers/workspace.js';

const workspaces: Workspace[] = [];
after(() => workspaces.forEach((w) => w.cleanup()));
function workspace(yaml?: string): Workspace {
  const ws = new Workspace(yaml);
  workspaces.push(ws);
  return ws;
}

describe('the command line follows restic and git conventions', () => {
  test('--version, -V and `vigil version` print the installed version', async () => {
    const { version } = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    for (const args of [['--version'], ['-V'], ['version']]) {
      const result = await runVigil(args);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, `vigil ${version}\n`);
    }
  });

  test('global options may come before the command', async () => {
    const ws = workspace('mail:\n  bogus: 1\n');
    const before = await runVigil(['--config', ws.configFile, 'config', 'check']);
    assert.equal(before.code, 2, before.stderr);
    assert.match(before.stderr, /mail\.bogus: unknown key/);
    const between = await runVigil(['config', `--config=${ws.configFile}`, 'check', '--json']);
    assert.equal(between.code, 2, between.stderr);
    assert.equal((JSON.parse(between.stdout) as { valid: boolean }).valid, false);
  });

  test('global options may come after the command too, and short ones may carry their value (-cFILE)', async () => {
    const ws = workspace('mail:\n  bogus: 1\n');
    for (const args of [['config', 'check', '-c', ws.configFile], [`-c${ws.configFile}`, '-v', 'config', 'check'], ['--log-format=json', 'config', 'check', `--config=${ws.configFile}`]]) {
      const result = await runVigil(args);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, /mail\.bogus: unknown key/, args.join(' '));
    }
  });

  test('a typo gets "did you mean": commands, subcommands, groups and options', async () => {
    const cases: [string[], RegExp][] = [
      [['mail', 'tset'], /unknown command "mail tset"; did you mean "vigil mail test"\?/],
      [['outbx', 'list'], /did you mean "vigil outbox list"\?/],
      [['outbox', 'lsit'], /did you mean "vigil outbox list"\?/],
      [['outbx'], /did you mean "vigil outbox"\?/],
      [['strat'], /did you mean "vigil start"\?/],
      [['activity', 'shwo', '3'], /unexpected argument "shwo"; did you mean "vigil activity show"\?/],
      [['outbox', 'list', '--stat', 'queued'], /unknown option --stat; did you mean --state\?/],
      [['config', 'check', '--jsno'], /unknown option --jsno; did you mean --json\?/],
    ];
    for (const [args, expected] of cases) {
      const result = await runVigil(args);
      assert.equal(result.code, 2, args.join(' '));
      assert.match(result.stderr, expected, args.join(' '));
    }
    // Nothing near: no guess, the whole list.
    const far = await runVigil(['frobnicate']);
    assert.doesNotMatch(far.stderr, /did you mean/);
    assert.match(far.stderr, /\n  config check +validate/);
  });

  test('`vigil help COMMAND` is the command’s --help; a group alone lists its commands or lists', async () => {
    const help = await runVigil(['help', 'config', 'check']);
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /^Usage: vigil config check/);

    const group = await runVigil(['mail']);
    assert.equal(group.code, 2);
    assert.match(group.stderr, /^Usage: vigil mail <command>[\s\S]*\n  mail test +send a test message/);
    assert.doesNotMatch(group.stderr, /unknown command/);

    const ws = workspace('dataDir: ./var\n');
    const outbox = await runVigil(['outbox', '--json', '--config', ws.configFile]);
    assert.equal(outbox.code, 0, outbox.stderr);
    assert.deepEqual(JSON.parse(outbox.stdout), []);

    const unknown = await runVigil(['--config', ws.configFile, 'frobnicate']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command "frobnicate"/);
  });
});
