import { connectApp } from '../../app/context.js';
import { consoleSection } from '../../config/schema/console.js';
import type { ConsoleConfig } from '../../config/schema/index.js';
import { VigilError } from '../../domain/errors.js';
import { hashSecret } from '../../console/password-hash.js';
import { startConsole } from '../../console/server.js';
import { onStopSignal } from '../../platform/on-stop-signal.js';
import { EXIT, type Command } from '../command.js';

export const consoleCommand: Command = {
  name: 'console',
  summary: 'serve a read-only web console, JSON API and /metrics (no backups run, nothing is sent)',
  usage: '[-v]',
  exitCodes: { 0: 'stopped by SIGTERM or SIGINT', 1: 'could not listen (the address is in use or not on this machine)', 2: 'configuration error' },
  async run(ctx) {
    const app = await connectApp({ configFile: ctx.configFile, env: ctx.env, logLevel: ctx.verbose ? 'debug' : 'info' });
    let stopListening = () => {};
    try {
      const config = app.loaded.config.console ?? consoleDefaults();
      if (Object.keys(config.users).length === 0 && Object.keys(config.tokens).length === 0) {
        app.log.warn('console: no console.users or console.tokens: nobody can log in (create a hash with `vigil console hash-password`)');
      }
      const server = await startConsole(config, { app: () => app, readOnly: true, clock: app.clock });
      ctx.stdout.write(`vigil console (read-only) at ${server.url}\n`);
      // Until SIGTERM or SIGINT; a second one while the console closes exits at once.
      await new Promise<void>((resolve) => (stopListening = onStopSignal(() => resolve())));
      await server.close();
      return EXIT.ok;
    } finally {
      await app.close();
      stopListening();
    }
  },
};

export const consoleHashPasswordCommand: Command = {
  name: 'console hash-password',
  summary: 'read a password or token on stdin and print its scrypt hash for console.users / console.tokens',
  usage: '< secret   (e.g. printf %s "$PASSWORD" | vigil console hash-password)',
  exitCodes: { 0: 'the hash was printed', 2: 'nothing was given on stdin' },
  async run(ctx) {
    const secret = await readSecret(ctx.stderr);
    if (!secret) throw new VigilError('ERR_USAGE', 'no password or token on stdin', { hint: 'printf %s "$PASSWORD" | vigil console hash-password' });
    if (secret.length < 8) ctx.stderr.write('warning: shorter than 8 characters; a longer one is much harder to guess\n');
    ctx.stdout.write(`${await hashSecret(secret)}\n`);
    return EXIT.ok;
  },
};

function consoleDefaults(): ConsoleConfig {
  return consoleSection.unwrap().parse({});
}

// More than any password or token; stops a file piped in by mistake from being read whole.
const MAX_SECRET_BYTES = 4_096;

/** The secret from stdin, without its final line break; on a terminal it is read without echo. */
async function readSecret(stderr: NodeJS.WritableStream): Promise<string> {
  const stdin = process.stdin;
  if (stdin.isTTY) {
    stderr.write('Password or token (not shown), then Enter: ');
    stdin.setRawMode(true);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stdin as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      size += chunk.length;
      if (size > MAX_SECRET_BYTES) throw new VigilError('ERR_USAGE', `more than ${MAX_SECRET_BYTES} bytes on stdin: give the password or token alone`);
      if (stdin.isTTY && /[\r\n\u0003\u0004]/.test(chunk.toString())) break;
    }
  } finally {
    if (stdin.isTTY) {
      stdin.setRawMode(false);
      stdin.pause();
      stderr.write('\n');
    }
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.includes('\u0003')) throw new VigilError('ERR_USAGE', 'cancelled');
  return text.replace(/[\r\n\u0004].*$/s, '');
}
