import type { Logger } from '../domain/logger.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/**
 * Writes one line per entry to stderr (the journal, under systemd). Every line passes through
 * `redact` first, so a secret that slipped into a message or field never reaches the log.
 */
export function createStderrLogger(options: { level?: LogLevel; redact?: (text: string) => string; stream?: NodeJS.WritableStream } = {}): Logger {
  const min = ORDER[options.level ?? 'info'];
  const redact = options.redact ?? ((text: string) => text);
  const stream = options.stream ?? process.stderr;
  const write = (level: LogLevel, message: string, fields?: Record<string, unknown>) => {
    if (ORDER[level] < min) return;
    const extra = fields && Object.keys(fields).length ? ' ' + JSON.stringify(fields) : '';
    stream.write(redact(`${new Date().toISOString()} ${level.padEnd(5)} ${message}${extra}`) + '\n');
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  };
}
