import type { Logger } from '../domain/logger.js';
import { logFormatFor, type LogFormat } from './log-format.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
/** sd-daemon(3) priorities: err, warning, info, debug. */
const JOURNAL_PRIORITY: Record<LogLevel, number> = { debug: 7, info: 6, warn: 4, error: 3 };

export interface StderrLoggerOptions {
  level?: LogLevel;
  redact?: (text: string) => string;
  stream?: NodeJS.WritableStream;
  /** Default: from `env` (see logFormatFor): `VIGIL_LOG_FORMAT`, or the journal when stderr is it. */
  format?: LogFormat;
  env?: NodeJS.ProcessEnv;
}

/**
 * Writes one line per entry to stderr (the journal, under systemd) in one of three formats
 * (log-format.ts). Message and fields pass through `redact` before they are laid out, so a
 * secret that slipped into either never reaches the log, whatever the format.
 */
export function createStderrLogger(options: StderrLoggerOptions = {}): Logger {
  const min = ORDER[options.level ?? 'info'];
  const redact = options.redact ?? ((text: string) => text);
  const stream = options.stream ?? process.stderr;
  const format = options.format ?? logFormatFor(options.env ?? process.env);
  const write = (level: LogLevel, message: string, fields?: Record<string, unknown>) => {
    if (ORDER[level] < min) return;
    stream.write(formatEntry(format, level, redact(message), redactFields(fields ?? {}, redact), new Date()));
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  };
}

/** One entry as the format lays it out, newline-terminated. Message and fields are redacted. */
export function formatEntry(format: LogFormat, level: LogLevel, message: string, fields: Record<string, unknown>, time: Date): string {
  if (format === 'json') return JSON.stringify({ time: time.toISOString(), level, message, fields }) + '\n';
  const extra = Object.keys(fields).length ? ' ' + JSON.stringify(fields) : '';
  if (format === 'text') return `${time.toISOString()} ${level.padEnd(5)} ${message}${extra}\n`;
  // The journal splits the stream at newlines: every line of a long message carries the
  // priority, or its continuation lines would be filed as info.
  return `${message}${extra}`
    .split('\n')
    .map((line) => `<${JOURNAL_PRIORITY[level]}>${line}\n`)
    .join('');
}

/**
 * The fields with every string (keys too, and an Error's message) redacted one by one, before
 * they are serialised: redacting the serialised line instead would have to find a secret in its
 * JSON-escaped form and could cut a JSON line apart.
 */
function redactFields(fields: Record<string, unknown>, redact: (text: string) => string): Record<string, unknown> {
  const seen = new WeakSet<object>();
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return redact(value);
    if (typeof value === 'bigint') return String(value);
    if (value instanceof Error) return redact(value.message);
    // A Date, a Buffer: serialised as JSON.stringify would.
    if (typeof (value as { toJSON?: unknown } | null)?.toJSON === 'function') return walk((value as { toJSON(): unknown }).toJSON());
    if (value === null || typeof value !== 'object') return value;
    if (seen.has(value)) return '[circular]';
    seen.add(value);
    if (Array.isArray(value)) return value.map(walk);
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [redact(key), walk(inner)]));
  };
  return walk(fields) as Record<string, unknown>;
}
