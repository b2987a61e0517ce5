import type { ParseArgsConfig } from 'node:util';

/** What every command gets: where to write, the environment, and the global options. */
export interface CliContext {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  /** Absolute path of the configuration file (--config, VIGIL_CONFIG or ./vigil.yaml). */
  configFile: string;
  json: boolean;
  verbose: boolean;
}

/**
 * One command of the command line, one file each in src/cli/commands/. `run` returns the exit
 * status (the contract: 0 success, 1 failure, 2 usage or configuration error, 3 partial).
 */
export interface Command {
  /** Words that select it, e.g. `mail test`. */
  name: string;
  summary: string;
  /** Usage lines shown by --help, after `vigil <name>`. */
  usage: string;
  /** Exit statuses and what they mean, shown by --help. */
  exitCodes?: Record<number, string>;
  options?: ParseArgsConfig['options'];
  /** Accepts positional arguments (e.g. an id). */
  positionals?: boolean;
  hidden?: boolean;
  run(ctx: CliContext, args: { values: Record<string, string | boolean | string[] | boolean[] | undefined>; positionals: string[] }): Promise<number>;
}

export const EXIT = { ok: 0, failure: 1, usage: 2, partial: 3 } as const;

/** The exit statuses a command documents, or the contract every command keeps. */
export function exitCodesOf(command: Command): Record<number, string> {
  return command.exitCodes ?? { 0: 'success', 1: 'failure', 2: 'usage or configuration error' };
}
