import type { Command } from './command.js';
import { COMMANDS } from './commands/index.js';
import { GLOBAL_OPTIONS, globalOptionLength } from './global-options.js';
import { closest, editDistance } from './suggest.js';

export interface FoundCommand {
  command?: Command;
  /** The arguments for the command's parser: everything but the command words. */
  rest: string[];
  /** The leading words that were taken for a command name (global options skipped). */
  words: string[];
}

/**
 * The longest run of leading words that names a command: `outbox list` before `outbox`. Global
 * options may come before, between or after the words (`vigil --config X config check`, as
 * restic and git allow); everything that is not a command word goes to the command's parser.
 */
export function findCommand(argv: string[], commands: readonly Command[] = COMMANDS): FoundCommand {
  const positions: number[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') break;
    if (arg.startsWith('-')) {
      const length = globalOptionLength(arg);
      if (length === 0) break; // a command's own option: the words end here
      i += length - 1;
      continue;
    }
    positions.push(i);
  }
  const words = positions.map((i) => argv[i]!);
  for (let n = words.length; n > 0; n--) {
    const command = commands.find((c) => c.name === words.slice(0, n).join(' '));
    if (command) {
      const used = new Set(positions.slice(0, n));
      return { command, rest: argv.filter((_arg, i) => !used.has(i)), words };
    }
  }
  // A group named alone whose first job is listing (`vigil outbox`) lists, as the design's
  // `vigil outbox [list|show ID|…]` promises. A group and another word is a typo, not a listing.
  const listing = words.length === 1 ? commands.find((c) => c.name === `${words[0]} list`) : undefined;
  if (listing) return { command: listing, rest: argv.filter((_arg, i) => i !== positions[0]), words };
  return { rest: argv, words };
}

/**
 * The command or group the user probably meant by `words` (`outbx list` → `outbox list`,
 * `mail tset` → `mail test`, `outbx` → `outbox`), comparing each name with as many of the
 * typed words as it has.
 */
export function suggestCommand(words: readonly string[], commands: readonly Command[] = COMMANDS): string | undefined {
  const visible = commands.filter((c) => !c.hidden).map((c) => c.name);
  const groups = [...new Set(visible.filter((n) => n.includes(' ')).map((n) => n.split(' ')[0]!))];
  let best: { name: string; edits: number } | undefined;
  for (const name of [...visible, ...groups]) {
    const typed = words.slice(0, name.split(' ').length).join(' ');
    if (typed === name || !closest(typed, [name])) continue;
    const edits = editDistance(typed, name);
    // Fewer edits first; among equals the longer name, which accounts for more of what was typed.
    if (!best || edits < best.edits || (edits === best.edits && name.length > best.name.length)) best = { name, edits };
  }
  return best?.name;
}

/** `--stat` → `--state`: the nearest long option the command (or every command) takes. */
export function suggestOption(typed: string, command: Command): string | undefined {
  if (!typed.startsWith('--')) return undefined;
  const names = [...Object.keys(command.options ?? {}), ...Object.keys(GLOBAL_OPTIONS)].map((n) => `--${n}`);
  return closest(typed.split('=')[0]!, names);
}
