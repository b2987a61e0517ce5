import { spawn } from 'node:child_process';
import type { Clock } from '../../domain/clock.js';
import { expiryFrom, TokenError, type AccessToken, type TokenProvider } from './access-token.js';

export interface TokenCommandOptions {
  argv: string[];
  /** How long a bare token (not JSON with expires_in) is used before the command runs again. */
  lifetimeMs: number;
  timeoutMs: number;
  clock: Clock;
  env?: NodeJS.ProcessEnv;
}

const MAX_OUTPUT = 64 * 1024;
const KILL_GRACE_MS = 2_000;
const EX_TEMPFAIL = 75;
const PIPE_GRACE_MS = 1_000;

/**
 * The program's stderr is not ours: a failing helper may echo the token or secret it handles,
 * which Vigil cannot know to redact. Long opaque runs (tokens, keys, base64) are masked; paths
 * and words are kept, so the message still says what went wrong.
 */
export function maskOpaque(line: string): string {
  return line.slice(0, 300).replace(/[A-Za-z0-9._~+/=-]{20,}/g, (run) => (run.startsWith('/') || !/\d/.test(run) || !/[A-Za-z]/.test(run) ? run : '***'));
}

/**
 * Runs a program that prints an access token: a bare token on the first line, or JSON
 * `{ "access_token": …, "expires_in": … }`. Like mail programs, it runs in its own process
 * group with no terminal and a hard deadline (SIGTERM, then SIGKILL to the group).
 * Exit 75 (EX_TEMPFAIL) and the deadline are temporary; any other failure needs a person.
 */
export class TokenCommand implements TokenProvider {
  readonly describe: string;

  constructor(private readonly options: TokenCommandOptions) {
    this.describe = `token command ${options.argv[0] ?? '?'}`;
  }

  fetch(signal: AbortSignal): Promise<AccessToken> {
    const [program, ...args] = this.options.argv;
    return new Promise((resolve, reject) => {
      const child = spawn(program!, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: this.options.env ?? process.env });
      let stdout = '';
      let stderr = '';
      let timedOut = false;
      let settled = false;
      const timers: NodeJS.Timeout[] = [];
      const later = (ms: number, fn: () => void) => timers.push(setTimeout(fn, ms).unref());
      const killGroup = (sig: NodeJS.Signals) => {
        try {
          if (child.pid) process.kill(-child.pid, sig);
        } catch {
          // already gone
        }
      };
      const stop = () => {
        killGroup('SIGTERM');
        later(KILL_GRACE_MS, () => killGroup('SIGKILL'));
      };
      const finish = (code: number | null, sig: NodeJS.Signals | null) => {
        if (settled) return;
        settled = true;
        timers.forEach(clearTimeout);
        clearTimeout(deadline);
        signal.removeEventListener('abort', stop);
        // A descendant that left the process group may still hold the pipes: let go of them.
        child.stdout.destroy();
        child.stderr.destroy();
        const why = maskOpaque(stderr.trim().split(/\r?\n/)[0] ?? '');
        if (timedOut || signal.aborted) {
          return reject(new TokenError('temporary', `${this.describe} did not finish within ${Math.round(this.options.timeoutMs / 1000)} s and was stopped`));
        }
        if (code !== 0) {
          const kind = code === EX_TEMPFAIL ? 'temporary' : 'credentials';
          return reject(new TokenError(kind, `${this.describe} failed (${sig ? `signal ${sig}` : `exit ${code}`})${why ? `: ${why}` : ''}`, { providerCode: `exit ${code ?? sig}` }));
        }
        const token = this.parse(stdout);
        if (!token) return reject(new TokenError('credentials', `${this.describe} printed no token on stdout`, { providerCode: 'no-token' }));
        resolve(token);
      };
      const deadline = setTimeout(() => {
        timedOut = true;
        stop();
      }, this.options.timeoutMs);
      signal.addEventListener('abort', stop, { once: true });
      child.stdout.on('data', (d: Buffer) => (stdout = (stdout + d.toString()).slice(0, MAX_OUTPUT)));
      child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(0, 4096)));
      child.on('error', (error: NodeJS.ErrnoException) => {
        if (settled) return;
        settled = true;
        timers.forEach(clearTimeout);
        clearTimeout(deadline);
        signal.removeEventListener('abort', stop);
        reject(new TokenError('credentials', `${this.describe} could not be started (${error.code ?? error.message})`, { providerCode: error.code ?? 'spawn' }));
      });
      // 'close' waits for the pipes too, which a daemonised descendant can hold open forever;
      // once the program itself has exited, its output is read within a short grace.
      child.on('exit', (code, sig) => later(PIPE_GRACE_MS, () => finish(code, sig)));
      child.on('close', finish);
    });
  }

  private parse(stdout: string): AccessToken | undefined {
    const now = this.options.clock.now();
    const text = stdout.trim();
    if (text.startsWith('{')) {
      try {
        const json = JSON.parse(text) as { access_token?: unknown; expires_in?: unknown };
        if (typeof json.access_token === 'string' && json.access_token) return { token: json.access_token, expiresAt: expiryFrom(json.expires_in, now), obtainedAt: now };
      } catch {
        return undefined;
      }
      return undefined;
    }
    const token = text.split(/\r?\n/)[0]?.trim();
    return token ? { token, expiresAt: now + this.options.lifetimeMs, obtainedAt: now } : undefined;
  }
}
