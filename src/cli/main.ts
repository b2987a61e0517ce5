#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { isLogFormatChoice, LOG_FORMAT_CHOICES } from '../app/log-format.js';
import { resolveConfigPath } from '../config/load.js';
import { isVigilError, type ErrorCode } from '../domain/errors.js';
import type { CliContext, Command } from './command.js';
import { EXIT } from './command.js';
import { dropOutputOnClosedPipe } from './closed-pipe.js';
import { findCommand, suggestCommand, suggestOption } from './find-command.js';
import { GLOBAL_OPTIONS } from './global-options.js';
import { groupOverview, help, overview } from './help-text.js';
import { packageVersion } from './version.js';

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

type Io = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; env: NodeJS.ProcessEnv };

export async function main(argv: string[], io: Io): Promise<number> {
  if (argv[0] === '--version' || argv[0] === '-V' || (argv.length === 1 && argv[0] === 'version')) {
    io.stdout.write(`vigil ${packageVersion()}\n`);
    return EXIT.ok;
  }
  // `vigil help [COMMAND…]` is `vigil [COMMAND…] --help`, as in git and restic.
  if (argv[0] === 'help') return main([...argv.slice(1), '--help'], io);
  const { command, rest, words } = findCommand(argv);
  if (!command) return noCommand(argv, words, io);
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: { ...GLOBAL_OPTIONS, ...command.options }, allowPositionals: true, strict: true });
  } catch (error) {
    io.stderr.write(`vigil ${command.name}: ${parseErrorMessage(error as Error & { code?: string }, command)}\n${help(command)}`);
    return EXIT.usage;
  }
  if (parsed.values.help) {
    io.stdout.write(help(command));
    return EXIT.ok;
  }
  if (!command.positionals && parsed.positionals.length) {
    const word = parsed.positionals[0]!;
    const meant = suggestCommand([...command.name.split(' '), word]);
    const suggestion = meant && meant.startsWith(`${command.name} `) ? `; did you mean "vigil ${meant}"?` : '';
    io.stderr.write(`vigil ${command.name}: unexpected argument "${word}"${suggestion}\n${help(command)}`);
    return EXIT.usage;
  }
  const logFormat = (parsed.values['log-format'] as string | undefined) ?? io.env.VIGIL_LOG_FORMAT;
  if (logFormat !== undefined && !isLogFormatChoice(logFormat)) {
    const given = parsed.values['log-format'] !== undefined ? `--log-format ${logFormat}` : `VIGIL_LOG_FORMAT=${logFormat}`;
    io.stderr.write(`vigil ${command.name}: ${given}: unknown log format; use one of ${LOG_FORMAT_CHOICES.join(', ')}\n`);
    return EXIT.usage;
  }
  const ctx: CliContext = {
    ...io,
    // The loggers read the format from the environment (app/log-format.ts), so the option travels there.
    env: parsed.values['log-format'] !== undefined ? { ...io.env, VIGIL_LOG_FORMAT: logFormat } : io.env,
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

/** No command was named: the overview, a group's listing, or "unknown command" with a guess. */
function noCommand(argv: string[], words: string[], io: Io): number {
  const asked = argv.includes('--help') || argv.includes('-h');
  const group = words.length ? groupOverview(words.join(' ')) : '';
  if (group) {
    // A group's name alone (`vigil mail`) lists its commands instead of calling it unknown.
    (asked ? io.stdout : io.stderr).write(group);
    return asked ? EXIT.ok : EXIT.usage;
  }
  if (words.length) {
    const meant = suggestCommand(words);
    io.stderr.write(`vigil: unknown command "${words.join(' ')}"`);
    // A near miss gets the one line that helps; anything else, the whole list.
    if (meant) io.stderr.write(`; did you mean "vigil ${meant}"?\nRun \`vigil help\` for every command.\n`);
    else io.stderr.write(`\n\n${overview()}`);
    return EXIT.usage;
  }
  io.stdout.write(overview());
  return argv.length === 0 || asked ? EXIT.ok : EXIT.usage;
}

/** parseArgs' message, with the option the user probably meant when one was mistyped. */
function parseErrorMessage(error: Error & { code?: string }, command: Command): string {
  if (error.code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return error.message;
  const typed = /'([^']+)'/.exec(error.message)?.[1] ?? '';
  const meant = suggestOption(typed, command);
  return `unknown option ${typed}${meant ? `; did you mean ${meant}?` : ''}`;
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
