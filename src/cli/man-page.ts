import { LOG_FORMAT_CHOICES } from '../app/log-format.js';
import type { Command } from './command.js';
import { GLOBAL_OPTION_HELP, globalOptionFlags } from './global-options.js';
import { exitCodesOf } from './help-text.js';

/**
 * vigil(1) in roff (man(7) macros), written out from the command table so it says what --help
 * says. docs/vigil.1 is this text, checked in and installed by npm as the package's man page
 * (`npm run man` rewrites it; a test fails when it drifts).
 */
export function manPage(commands: readonly Command[], version: string): string {
  const visible = commands.filter((c) => !c.hidden);
  return [
    `.TH VIGIL 1 "" "vigil ${roff(version)}" "User Commands"`,
    '.SH NAME',
    'vigil \\- unattended backup whose heart is notification',
    '.SH SYNOPSIS',
    '.B vigil',
    '.I command',
    '.RI [ options ]',
    '.br',
    '.B vigil',
    '.BR \\-\\-version " | " help',
    '.RI [ command ]',
    '.SH DESCRIPTION',
    'Vigil runs backup sets on schedule, keeps an activity log, alerts an administrator at once when',
    'a backup fails, and mails a summary of backup activity every day and week.',
    'Its configuration is one file,',
    '.IR vigil.yaml ;',
    '.B vigil init',
    'writes a commented one and',
    '.B vigil config check',
    'validates it.',
    '.SH GLOBAL OPTIONS',
    'These may be given anywhere on the line, before or after the command.',
    ...GLOBAL_OPTION_HELP.flatMap((o) => ['.TP', `.B ${roff(globalOptionFlags(o.name, o.value))}`, roff(o.text)]),
    '.TP',
    '.BR \\-V ", " \\-\\-version',
    'print the version and exit.',
    '.SH COMMANDS',
    ...visible.flatMap((c) => ['.TP', `.B vigil ${roff(c.name)}${c.usage ? ` ${roffArgument(c.usage)}` : ''}`, `${roff(c.summary)}.`, ...exitLines(c)]),
    '.SH EXIT STATUS',
    '.TP',
    '.B 0',
    'success',
    '.TP',
    '.B 1',
    'failure',
    '.TP',
    '.B 2',
    'usage or configuration error',
    '.TP',
    '.B 3',
    'partial: a run that completed with warnings or errors',
    '.SH ENVIRONMENT',
    '.TP',
    '.B VIGIL_CONFIG',
    'the configuration file when',
    '.B \\-\\-config',
    'is not given.',
    '.TP',
    '.B VIGIL_LOG_FORMAT',
    `the log format when \\fB\\-\\-log\\-format\\fR is not given: ${LOG_FORMAT_CHOICES.join(', ')}.`,
    '.TP',
    '.B JOURNAL_STREAM',
    'set by systemd; when it names standard error, log lines carry',
    '.BR sd-daemon (3)',
    'priority prefixes and no timestamp.',
    '.TP',
    '.B VIGIL_DEBUG',
    'print the stack trace of an internal error.',
    '.SH FILES',
    '.TP',
    '.I vigil.yaml',
    'the configuration (default: in the current directory; the service: /etc/vigil/vigil.yaml).',
    '.TP',
    '.I vigil.schema.json',
    'its JSON Schema, shipped with the package and named on the first line of the file',
    '.B vigil init',
    'writes, for editors.',
    '.SH SEE ALSO',
    '.BR journalctl (1),',
    '.BR systemd.service (5),',
    '.BR restic (1).',
    'The documentation in the package\'s',
    '.I docs/',
    'directory: cli.md, configuration.md, service.md, errors.md.',
    '',
  ].join('\n');
}

/** A command's own exit statuses, when they say more than the common contract. */
function exitLines(command: Command): string[] {
  if (!command.exitCodes) return [];
  return ['.RS', ...Object.entries(exitCodesOf(command)).flatMap(([code, meaning]) => ['.TP 4', `.B ${code}`, roff(meaning)]), '.RE'];
}

/**
 * Text made safe for roff: a backslash escaped, a minus sign that is a minus (options are
 * copied from man pages), a line never starting with a control character, ASCII only.
 */
export function roff(text: string): string {
  return text
    .replace(/\\/g, '\\e')
    .replace(/-/g, '\\-')
    .replace(/^([.'])/gm, '\\&$1')
    // Plain ASCII in the file; typographic characters (’ — …) as groff's Unicode escapes.
    .replace(/[^\x00-\x7f]/gu, (char) => `\\[u${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}]`);
}

/** A usage line in italics after the bold command name. */
function roffArgument(usage: string): string {
  return `\\fI${roff(usage)}\\fR`;
}
