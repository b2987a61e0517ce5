#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { resolveConfigPath } from '../config/load.js';
import { isVigilError, type ErrorCode } from '../domain/errors.js';
import type { CliContext, Command } from './command.js';
import { EXIT } from './command.js';
import { COMMANDS } from './commands/index.js';
import { dropOutputOnClosedPipe } from './closed-pipe.js';
import { packageVersion } from './version.js';

const GLOBAL_OPTIONS = {
  config: { type: 'string', short: 'c' },
  json: { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Global options that take a value: skipped with their value when looking for the command words. */
const VALUE_OPTIONS: ReadonlySet<string> = new Set(['--config', '-c']);

// Errors that mean "fix your input", exit 2; everything else is a failure, exit 1.
const USAGE_ERRORS: ReadonlySet<ErrorCode> = new Set([
  'ERR_USAGE',
  'ERR_CONFIG_NOT_FOUND',
  'ERR_CONFIG_INVALID',
  'ERR_CONFIG_FILE',
  'ERR_SECRET_UNREADABLE',
  'ERR_PROFILE_UNKNOWN',
  'ERR_HEADER_INJECTION',
  'ERR_ADDRESS_INVALID',
  'ERR_RECIPIENTS_EMPTY',
  'ERR_SET_UNKNOWN',
  'ERR_CHANNEL_UNKNOWN',
  'ERR_DATADIR_LOCKED',
]);

export async function main(argv: string[], io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; env: NodeJS.ProcessEnv }): Promise<number> {
  if (argv[0] === '--version' || argv[0] === '-V' || (argv.length === 1 && argv[0] === 'version')) {
    io.stdout.write(`vigil ${packageVersion()}\n`);
    return EXIT.ok;
  }
  // `vigil help [COMMAND…]` is `vigil [COMMAND…] --help`, as in git and restic.
  if (argv[0] === 'help') return main([...argv.slice(1), '--help'], io);
  const { command, rest, words } = findCommand(argv);
  if (!command) {
    const asked = argv.includes('--help') || argv.includes('-h');
    const group = words.length ? groupOverview(words.join(' ')) : '';
    if (group) {
      // A group's name alone (`vigil outbox`) lists its commands instead of calling it unknown.
      (asked ? io.stdout : io.stderr).write(group);
      return asked ? EXIT.ok : EXIT.usage;
    }
    if (words.length && !asked) {
      io.stderr.write(`vigil: unknown command "${words.join(' ')}"\n\n`);
      io.stderr.write(overview());
      return EXIT.usage;
    }
    io.stdout.write(overview());
    return argv.length === 0 || asked ? EXIT.ok : EXIT.usage;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: { ...GLOBAL_OPTIONS, ...command.options }, allowPositionals: true, strict: true });
  } catch (error) {
    io.stderr.write(`vigil ${command.name}: ${(error as Error).message}\n${help(command)}`);
    return EXIT.usage;
  }
  if (parsed.values.help) {
    io.stdout.write(help(command));
    return EXIT.ok;
  }
  if (!command.positionals && parsed.positionals.length) {
    io.stderr.write(`vigil ${command.name}: unexpected argument "${parsed.positionals[0]}"\n${help(command)}`);
    return EXIT.usage;
  }
  const ctx: CliContext = {
    ...io,
    configFile: resolveConfigPath(parsed.values.config as string | undefined, io.env),
    json: Boolean(parsed.values.json),
    verbose: Boolean(parsed.values.verbose),
  };
  try {
    return await command.run(ctx, { values: parsed.values as never, positionals: parsed.positionals });
  } catch (error) {
    if (isVigilError(error)) {
      io.stderr.write(`vigil ${command.name}: ${error.message}\n`);
      if (error.hint) io.stderr.write(`hint: ${error.hint}\n`);
      return USAGE_ERRORS.has(error.code) ? EXIT.usage : EXIT.failure;
    }
    // A bug: say where without a stack trace, unless asked for one.
    io.stderr.write(`vigil ${command.name}: internal error: ${(error as Error).message ?? String(error)}\n`);
    if (io.env.VIGIL_DEBUG) io.stderr.write(`${(error as Error).stack ?? ''}\n`);
    else io.stderr.write('hint: run again with VIGIL_DEBUG=1 for details, and report it.\n');
    return EXIT.failure;
  }
}

/**
 * The longest run of leading words that names a command: `outbox list` before `outbox`. Global
 * options may come before or between the words (`vigil --config X config check`, as restic and
 * git allow); everything that is not a command word is handed on to the command's parser.
 */
function findCommand(argv: string[]): { command?: Command; rest: string[]; words: string[] } {
  const positions: number[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (VALUE_OPTIONS.has(arg)) {
      i++;
      continue;
    }
    if (arg.startsWith('-')) {
      if (isGlobalFlag(arg)) continue;
      break;
    }
    positions.push(i);
  }
  const words = positions.map((i) => argv[i]!);
  for (let n = words.length; n > 0; n--) {
    const command = COMMANDS.find((c) => c.name === words.slice(0, n).join(' '));
    if (command) {
      const used = new Set(positions.slice(0, n));
      return { command, rest: argv.filter((_arg, i) => !used.has(i)), words };
    }
  }
  // A group named alone whose first job is listing (`vigil outbox`) lists, as the design's
  // `vigil outbox [list|show ID|…]` promises.
  const listing = words.length ? COMMANDS.find((c) => c.name === `${words[0]} list`) : undefined;
  if (listing) return { command: listing, rest: argv.filter((_arg, i) => i !== positions[0]), words };
  return { rest: argv, words };
}

function isGlobalFlag(arg: string): boolean {
  if (arg.startsWith('--config=')) return true;
  return ['--json', '--verbose', '-v', '--help', '-h'].includes(arg);
}

/** The commands whose name starts with `prefix` (a group such as `outbox`), or '' if none. */
function groupOverview(prefix: string): string {
  const members = COMMANDS.filter((c) => !c.hidden && c.name.startsWith(`${prefix} `));
  if (!members.length) return '';
  const width = Math.max(...members.map((c) => c.name.length));
  return [`Usage: vigil ${prefix} <command>`, '', ...members.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`), '', `Run \`vigil ${prefix} <command> --help\` for a command’s options.`, ''].join('\n');
}

function overview(): string {
  const visible = COMMANDS.filter((c) => !c.hidden);
  const width = Math.max(...visible.map((c) => c.name.length));
  return [
    'vigil — unattended backup whose heart is notification',
    '',
    'Usage: vigil <command> [--config PATH] [--json] [-v]',
    '       vigil --version | vigil help [COMMAND]',
    '',
    ...visible.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Exit status: 0 success, 1 failure, 2 usage or configuration error, 3 partial.',
    'Run `vigil <command> --help` for a command’s options.',
    '',
  ].join('\n');
}

function help(command: Command): string {
  const exits = command.exitCodes ?? { 0: 'success', 1: 'failure', 2: 'usage or configuration error' };
  return [
    `Usage: vigil ${command.name} ${command.usage}`.trimEnd(),
    '',
    command.summary,
    '',
    'Global options: --config PATH (or VIGIL_CONFIG; default ./vigil.yaml), --json, -v/--verbose',
    '',
    'Exit status:',
    ...Object.entries(exits).map(([code, meaning]) => `  ${code}  ${meaning}`),
    '',
  ].join('\n');
}

function isEntryPoint(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  dropOutputOnClosedPipe(process.stdout, process.stderr, 'standard output');
  dropOutputOnClosedPipe(process.stderr, process.stderr, 'standard error');
  main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
    (code) => {
      // A write failure other than a closed pipe has already set 1.
      process.exitCode = process.exitCode || code;
    },
    (error: unknown) => {
      process.stderr.write(`vigil: ${(error as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
