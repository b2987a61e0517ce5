import type { Command } from './command.js';
import { COMMANDS } from './commands/index.js';
import { GLOBAL_OPTION_HELP, globalOptionFlags } from './global-options.js';

/** What `vigil --help` prints: every visible command, one line each. */
export function overview(): string {
  const visible = COMMANDS.filter((c) => !c.hidden);
  const width = Math.max(...visible.map((c) => c.name.length));
  return [
    'vigil — unattended backup whose heart is notification',
    '',
    'Usage: vigil <command> [--config PATH] [--json] [-v] [--log-format FORMAT]',
    '       vigil --version | vigil help [COMMAND]',
    '',
    ...visible.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Exit status: 0 success, 1 failure, 2 usage or configuration error, 3 partial.',
    'Run `vigil <command> --help` for a command’s options.',
    '',
  ].join('\n');
}

/** The commands whose name starts with `prefix` (a group such as `outbox`), or '' if none. */
export function groupOverview(prefix: string): string {
  const members = groupMembers(prefix);
  if (!members.length) return '';
  const width = Math.max(...members.map((c) => c.name.length));
  return [`Usage: vigil ${prefix} <command>`, '', ...members.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`), '', `Run \`vigil ${prefix} <command> --help\` for a command’s options.`, ''].join('\n');
}

export function groupMembers(prefix: string): Command[] {
  return COMMANDS.filter((c) => !c.hidden && c.name.startsWith(`${prefix} `));
}

/** The exit statuses a command documents, or the contract every command keeps. */
export function exitCodesOf(command: Command): Record<number, string> {
  return command.exitCodes ?? { 0: 'success', 1: 'failure', 2: 'usage or configuration error' };
}

/** What `vigil COMMAND --help` prints. */
export function help(command: Command): string {
  const flags = GLOBAL_OPTION_HELP.map((o) => ({ flags: globalOptionFlags(o.name, o.value), text: o.text }));
  const width = Math.max(...flags.map((f) => f.flags.length));
  return [
    `Usage: vigil ${command.name} ${command.usage}`.trimEnd(),
    '',
    command.summary,
    '',
    'Global options (anywhere on the line):',
    ...flags.map((f) => `  ${f.flags.padEnd(width)}  ${f.text}`),
    '',
    'Exit status:',
    ...Object.entries(exitCodesOf(command)).map(([code, meaning]) => `  ${code}  ${meaning}`),
    '',
  ].join('\n');
}
