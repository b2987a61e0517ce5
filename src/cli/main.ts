#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { resolveConfigPath } from '../config/load.js';
import { isVigilError, type ErrorCode } from '../domain/errors.js';
import type { CliContext, Command } from './command.js';
import { EXIT } from './command.js';
import { COMMANDS } from './commands/index.js';

const GLOBAL_OPTIONS = {
  config: { type: 'string', short: 'c' },
  json: { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
} as const;

// Errors that mean "fix your input", exit 2; everything else is a failure, exit 1.
const USAGE_ERRORS: ReadonlySet<ErrorCode> = new Set([
  'ERR_USAGE',
  'ERR_CONFIG_NOT_FOUND',
  'ERR_CONFIG_INVALID',
  'ERR_SECRET_UNREADABLE',
  'ERR_PROFILE_UNKNOWN',
  'ERR_HEADER_INJECTION',
  'ERR_ADDRESS_INVALID',
  'ERR_RECIPIENTS_EMPTY',
  'ERR_SET_UNKNOWN',
  'ERR_DATADIR_LOCKED',
]);

export async function main(argv: string[], io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; env: NodeJS.ProcessEnv }): Promise<number> {
  const { command, rest } = findCommand(argv);
  if (!command) {
    const unknown = argv.find((a) => !a.startsWith('-'));
    if (unknown && !argv.includes('--help') && !argv.includes('-h')) {
      io.stderr.write(`vigil: unknown command "${argv.filter((a) => !a.startsWith('-')).join(' ')}"\n\n`);
      io.stderr.write(overview());
      return EXIT.usage;
    }
    io.stdout.write(overview());
    return argv.length === 0 || argv.includes('--help') || argv.includes('-h') ? EXIT.ok : EXIT.usage;
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

/** The longest run of leading words that names a command: `outbox list` before `outbox`. */
function findCommand(argv: string[]): { command?: Command; rest: string[] } {
  const words: string[] = [];
  for (const arg of argv) {
    if (arg.startsWith('-')) break;
    words.push(arg);
  }
  for (let n = words.length; n > 0; n--) {
    const name = words.slice(0, n).join(' ');
    const command = COMMANDS.find((c) => c.name === name);
    if (command) {
      const index = argv.indexOf(words[n - 1]!);
      return { command, rest: argv.slice(index + 1) };
    }
  }
  return { rest: argv };
}

function overview(): string {
  const visible = COMMANDS.filter((c) => !c.hidden);
  const width = Math.max(...visible.map((c) => c.name.length));
  return [
    'vigil — unattended backup whose heart is notification',
    '',
    'Usage: vigil <command> [--config PATH] [--json] [-v]',
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
  main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`vigil: ${(error as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
