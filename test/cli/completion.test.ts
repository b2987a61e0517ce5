import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { manPage } from '../../src/cli/man-page.js';
import { packageVersion } from '../../src/cli/version.js';
import { REPO_ROOT, runVigil } from '../helpers/workspace.js';

// Item 14.5: shell completions and the man page are written out from the command table, so a
// new command or option appears in them without anyone remembering to.

const scratch = mkdtempSync(path.join(tmpdir(), 'vigil-completion-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const visible = COMMANDS.filter((c) => !c.hidden);

describe('vigil completion', () => {
  test('bash: the real shell completes commands, subcommands after options, options and option values', async () => {
    const generated = await runVigil(['completion', 'bash']);
    assert.equal(generated.code, 0, generated.stderr);
    const script = path.join(scratch, 'vigil.bash');
    writeFileSync(script, generated.stdout);
    // Each case: the words on the line, the last being the one being completed.
    const cases: [string[], string[]][] = [
      [['vigil', ''], ['init', 'config', 'outbox', 'completion', 'man', 'help']],
      [['vigil', 'out'], ['outbox']],
      [['vigil', 'outbox', ''], ['list', 'show', 'retry', 'deliver']],
      [['vigil', '-c', 'x.yaml', '--log-format', 'json', 'outbox', 'l'], ['list']],
      [['vigil', 'outbox', 'list', '--st'], ['--state']],
      [['vigil', 'config', 'check', '-'], ['--service', '--config', '--json', '--log-format']],
      [['vigil', '--log-format', 'j'], ['journal', 'json']],
      [['vigil', 'help', 'config', ''], ['check', 'schema']],
      // Every command is reachable: its last word is offered after the words before it.
      ...visible.map((c): [string[], string[]] => {
        const words = c.name.split(' ');
        return [['vigil', ...words.slice(0, -1), ''], [words.at(-1)!]];
      }),
    ];
    const calls = cases.map(([words]) => `COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; COMPREPLY=(); _vigil; echo "\${COMPREPLY[*]}"`);
    const run = spawnSync('bash', ['--norc', '--noprofile', '-c', `source '${script}' && complete -p vigil && ${calls.join('\n')}`], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stderr, '');
    const [registration, ...answers] = run.stdout.split('\n');
    assert.match(registration ?? '', /complete .*-F _vigil vigil/);
    cases.forEach(([words, expected], i) => {
      const offered = (answers[i] ?? '').split(' ');
      for (const word of expected) assert.ok(offered.includes(word), `${words.join(' ')}<TAB>: expected ${word} among: ${answers[i]}`);
    });
    // Options only when a dash is typed; words only of the command reached.
    assert.ok(!(answers[2] ?? '').includes('--'), answers[2]);
    assert.ok(!(answers[2] ?? '').split(' ').includes('check'), answers[2]);
  });

  test('zsh and fish: every command with its summary, every option (not run: neither shell is installed here)', async () => {
    for (const shell of ['zsh', 'fish']) {
      const generated = await runVigil(['completion', shell]);
      assert.equal(generated.code, 0, generated.stderr);
      for (const command of visible) {
        const word = command.name.split(' ').at(-1)!;
        assert.ok(generated.stdout.includes(shell === 'zsh' ? `'${word}:` : `-a '${word}'`), `${shell}: ${command.name}`);
        for (const option of Object.keys(command.options ?? {})) assert.ok(generated.stdout.includes(shell === 'zsh' ? `--${option}` : `-l ${option}`), `${shell}: ${command.name} --${option}`);
      }
    }
    assert.match((await runVigil(['completion', 'zsh'])).stdout, /^#compdef vigil\n/);
  });

  test('an unknown or missing shell is a usage error naming the shells', async () => {
    for (const args of [['completion'], ['completion', 'tcsh']]) {
      const result = await runVigil(args);
      assert.equal(result.code, 2);
      assert.match(result.stderr, /hint: Shells: bash, zsh, fish\./);
    }
  });
});

describe('vigil(1)', () => {
  test('docs/vigil.1 is what the command table generates (else: npm run man, and commit it), and npm installs it', () => {
    const checkedIn = readFileSync(path.join(REPO_ROOT, 'docs/vigil.1'), 'utf8');
    assert.ok(checkedIn === manPage(COMMANDS, packageVersion()), 'docs/vigil.1 is out of date with the command table: run `npm run man` and commit docs/vigil.1');
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { man: string; files: string[] };
    assert.equal(pkg.man, './docs/vigil.1');
    assert.ok(pkg.files.includes('docs'));
  });

  test('`vigil man` prints it; groff reads it without a warning; it lists every command', async () => {
    const printed = await runVigil(['man']);
    assert.equal(printed.code, 0, printed.stderr);
    assert.equal(printed.stdout, manPage(COMMANDS, packageVersion()));
    const rendered = spawnSync('groff', ['-man', '-Tutf8', '-ww'], { input: printed.stdout, encoding: 'utf8', timeout: 30_000 });
    assert.equal(rendered.status, 0, rendered.stderr);
    // Only layout notes (a long word that cannot be justified) may remain.
    assert.deepEqual(rendered.stderr.split('\n').filter((l) => l && !/cannot (adjust|break) line/.test(l)), []);
    const text = rendered.stdout.replace(/.\x08/g, '').replace(/\s+/g, ' ');
    for (const command of visible) assert.ok(text.includes(`vigil ${command.name}`), command.name);
    assert.match(text, /--log-format FORMAT/);
  });
});
