import type { Command } from '../command.js';
import { GLOBAL_OPTIONS } from '../global-options.js';
import { LOG_FORMAT_CHOICES } from '../../app/log-format.js';

/** A word that may come next at some point of the command line, with what it does. */
export interface NextWord {
  word: string;
  summary: string;
}

/** One option as completion offers it. */
export interface CompletionOption {
  long: string;
  short?: string;
  /** Takes a value (the next word is not a command word). */
  value: boolean;
}

/**
 * The command table seen as a tree for the shell completions: every point of the command line
 * (`''`, `outbox`, `outbox/list`), the words that may follow it, and the options a command
 * takes. Paths are joined with `/` because shells split on spaces. Pure; the generators turn
 * it into bash, zsh and fish.
 */
export interface CompletionTree {
  paths: string[];
  next: Map<string, NextWord[]>;
  options: Map<string, CompletionOption[]>;
  globalOptions: CompletionOption[];
  /** Options whose value is a file, and those with a fixed set of values. */
  fileOptions: string[];
  choices: Map<string, readonly string[]>;
}

export function completionTree(commands: readonly Command[]): CompletionTree {
  const visible = commands.filter((c) => !c.hidden);
  const next = new Map<string, NextWord[]>();
  const options = new Map<string, CompletionOption[]>();
  const add = (at: string, word: string, summary: string) => {
    const list = next.get(at) ?? [];
    if (!list.some((n) => n.word === word)) list.push({ word, summary });
    next.set(at, list);
  };
  for (const command of visible) {
    const words = command.name.split(' ');
    words.forEach((word, i) => {
      const at = words.slice(0, i).join('/');
      const isLast = i === words.length - 1;
      add(at, word, isLast ? command.summary : `${words.slice(0, i + 1).join(' ')} commands`);
    });
    options.set(words.join('/'), optionsOf(command.options ?? {}));
  }
  add('', 'help', 'show the commands, or one command’s usage');
  return {
    paths: [...new Set([...next.keys(), ...options.keys()])].filter(Boolean),
    next,
    options,
    globalOptions: optionsOf(GLOBAL_OPTIONS),
    fileOptions: ['--config', '-c'],
    choices: new Map([['--log-format', LOG_FORMAT_CHOICES]]),
  };
}

function optionsOf(table: NonNullable<Command['options']>): CompletionOption[] {
  return Object.entries(table).map(([name, option]) => ({ long: `--${name}`, ...(option.short ? { short: `-${option.short}` } : {}), value: option.type === 'string' }));
}

/** The options that take a value, every command's and the global ones, as flags. */
export function valueFlags(tree: CompletionTree): string[] {
  const all = [...tree.globalOptions, ...[...tree.options.values()].flat()].filter((o) => o.value);
  return [...new Set(all.flatMap((o) => (o.short ? [o.short, o.long] : [o.long])))];
}

/** Text inside single quotes for bash, zsh and fish alike. */
export function singleQuoted(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
