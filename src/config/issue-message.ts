import type { KeyPath } from '../domain/problem.js';
import type { z } from 'zod';
import { parseDuration } from './duration.js';

/**
 * Turns a schema issue into the sentence `config check` prints after `file:line: key:`.
 * A value of the wrong type says what was expected and what was found ("expected a number
 * (1–65535), found the text "2620"; write it without quotes: 2620") — never "is required",
 * which sends the user looking for a key that is there. Messages written in the schema are kept.
 */
export function issueMessage(issue: z.core.$ZodIssue, path: KeyPath): string {
  const key = String(path[path.length - 1] ?? '');
  if (issue.code === 'invalid_type' || issue.code === 'invalid_union') {
    if (issue.input === undefined) return isDefaultMessage(issue.message) ? 'is required' : `is required: ${issue.message}`;
    const expected = issue.code === 'invalid_type' ? issue.expected : 'union';
    const declared = issue.message.startsWith(EXPECTING) ? issue.message.slice(EXPECTING.length) : undefined;
    if (declared) return typeMismatch(declared, issue.input, path, hintFor(expected, issue.input, key));
    if (issue.code === 'invalid_type' && isDefaultMessage(issue.message)) return typeMismatch(EXPECTED[expected] ?? expected, issue.input, path, hintFor(expected, issue.input, key));
    if (issue.code === 'invalid_union' && isDefaultMessage(issue.message)) return `expected another kind of value, found ${describeValue(issue.input, path)}`;
    return issue.message;
  }
  if (!isDefaultMessage(issue.message)) return issue.message;
  if (issue.code === 'too_big' && issue.origin === 'number') {
    return `must be ${issue.inclusive === false ? 'less than' : 'at most'} ${String(issue.maximum)}, found ${String(issue.input)}`;
  }
  if (issue.code === 'too_small' && issue.origin === 'number') {
    const bound = issue.inclusive === false ? `more than ${String(issue.minimum)}` : `at least ${String(issue.minimum)}`;
    return `must be ${bound}, found ${String(issue.input)}`;
  }
  return issue.message;
}

const EXPECTING = 'expected ';

/**
 * The error option of a schema whose expected value deserves more words than its type, e.g.
 * `z.number({ error: expecting('a number (1–65535)') })`; the found value and hint are added here.
 */
export function expecting(what: string): (issue: { code: string; input?: unknown }) => string | undefined {
  return (issue) => ((issue.code === 'invalid_type' || issue.code === 'invalid_union') && issue.input !== undefined ? `${EXPECTING}${what}` : undefined);
}

/** `expected <what>, found <value>[; <hint>]`, for the schema's own error callbacks too. */
export function typeMismatch(expected: string, input: unknown, path: KeyPath, hint?: string): string {
  return `expected ${expected}, found ${describeValue(input, path)}${hint ? `; ${hint}` : ''}`;
}

const EXPECTED: Partial<Record<string, string>> = {
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  string: 'text',
  array: 'a list',
  object: 'a mapping (key: value lines)',
  record: 'a mapping (key: value lines)',
};

/** How YAML read the value, in the user's words. Text under a secret-looking key is not shown. */
export function describeValue(input: unknown, path: KeyPath): string {
  if (input === null) return 'an empty value';
  if (typeof input === 'string') {
    if (path.some((p) => SECRET_KEY.test(String(p)))) return 'text (not shown: it may be a secret)';
    const shown = input.length > 60 ? `${input.slice(0, 57)}...` : input;
    return `the text ${JSON.stringify(shown)}`;
  }
  if (typeof input === 'number') return `the number ${input}`;
  if (typeof input === 'boolean') return String(input);
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'a mapping';
  return typeof input;
}

const SECRET_KEY = /pass|secret|token|key$/i;

function hintFor(expected: string, input: unknown, key: string): string | undefined {
  if ((expected === 'number' || expected === 'int') && typeof input === 'string') {
    if (/^\s*-?\d+(?:\.\d+)?\s*$/.test(input)) return `write it without quotes: ${input.trim()}`;
    if (/Seconds$/.test(key) && parseDuration(input) !== undefined) return `${key} is a number of seconds, e.g. 30`;
  }
  if (expected === 'boolean' && (typeof input === 'string' || typeof input === 'number')) return 'write true or false without quotes';
  return undefined;
}

/** zod's own wording ("Invalid input: expected number, received string", "Too big: …"). */
function isDefaultMessage(message: string): boolean {
  return /^(Invalid input|Too big|Too small|Invalid option)/.test(message);
}
