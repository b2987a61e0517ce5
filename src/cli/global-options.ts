import type { ParseArgsConfig } from 'node:util';
import { LOG_FORMAT_CHOICES } from '../app/log-format.js';

/**
 * Options every command takes, anywhere on the line (`vigil -c FILE config check` and
 * `vigil config check -c FILE`), as restic and git allow. One table feeds the parser, the search
 * for command words, --help, the shell completions and the man page.
 */
export const GLOBAL_OPTIONS = {
  config: { type: 'string', short: 'c' },
  json: { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v' },
  'log-format': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

/** What each global option means, for --help and the man page; VALUE is its argument. */
export const GLOBAL_OPTION_HELP: readonly { name: keyof typeof GLOBAL_OPTIONS; value?: string; text: string }[] = [
  { name: 'config', value: 'PATH', text: 'the configuration file (default: $VIGIL_CONFIG, else ./vigil.yaml)' },
  { name: 'json', text: 'print machine-readable JSON instead of tables' },
  { name: 'verbose', text: 'say more, and log at debug level' },
  { name: 'log-format', value: 'FORMAT', text: `how log lines are written to stderr: ${LOG_FORMAT_CHOICES.join(', ')} (default: $VIGIL_LOG_FORMAT, else auto: journal under systemd, else text)` },
  { name: 'help', text: 'show a command’s usage, options and exit status' },
];

/** `-c, --config PATH` as help texts write it. */
export function globalOptionFlags(name: keyof typeof GLOBAL_OPTIONS, value?: string): string {
  const option = GLOBAL_OPTIONS[name] as { short?: string };
  return `${option.short ? `-${option.short}, ` : ''}--${name}${value ? ` ${value}` : ''}`;
}

/**
 * How many arguments a global option at the head of `args` takes up: 2 for `--config FILE` and
 * `-c FILE`, 1 for `--config=FILE`, `-cFILE`, `--json` or `-vh`, 0 when it is not a global option.
 */
export function globalOptionLength(arg: string): 0 | 1 | 2 {
  if (arg.startsWith('--')) {
    const [name, inline] = splitOnce(arg.slice(2), '=');
    const option = Object.hasOwn(GLOBAL_OPTIONS, name) ? GLOBAL_OPTIONS[name as keyof typeof GLOBAL_OPTIONS] : undefined;
    if (!option) return 0;
    return option.type === 'string' && inline === undefined ? 2 : 1;
  }
  if (!arg.startsWith('-') || arg.length < 2) return 0;
  // A cluster of short flags (`-vh`), possibly ending in one that takes a value (`-vc FILE`, `-cFILE`).
  for (let i = 1; i < arg.length; i++) {
    const option = Object.values(GLOBAL_OPTIONS).find((o) => 'short' in o && o.short === arg[i]);
    if (!option) return 0;
    if (option.type === 'string') return i === arg.length - 1 ? 2 : 1;
  }
  return 1;
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}
