import { runProgram } from '../../platform/run-program.js';
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

const EX_TEMPFAIL = 75;

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
 * `{ "access_token": …, "expires_in": … }`. It runs through the platform's program runner like
 * mail programs: its own process group, no terminal, a hard deadline (SIGTERM, then SIGKILL).
 * Exit 75 (EX_TEMPFAIL) and the deadline are temporary; any other failure needs a person.
 */
export class TokenCommand implements TokenProvider {
  readonly describe: string;

  constructor(private readonly options: TokenCommandOptions) {
    this.describe = `token command ${options.argv[0] ?? '?'}`;
  }

  async fetch(signal: AbortSignal): Promise<AccessToken> {
    const [program, ...args] = this.options.argv;
    const run = await runProgram({ program: program!, args, env: this.options.env ?? process.env, deadlineMs: this.options.timeoutMs, signal });
    if (run.spawnError) {
      throw new TokenError('credentials', `${this.describe} could not be started (${run.spawnError.code})`, { providerCode: run.spawnError.code });
    }
    if (run.ended !== 'no' || signal.aborted) {
      throw new TokenError('temporary', `${this.describe} did not finish within ${Math.round(this.options.timeoutMs / 1000)} s and was stopped`);
    }
    if (run.exitCode !== 0) {
      const why = maskOpaque(run.stderr.trim().split(/\r?\n/)[0] ?? '');
      const kind = run.exitCode === EX_TEMPFAIL ? 'temporary' : 'credentials';
      const status = run.exitSignal ? `signal ${run.exitSignal}` : `exit ${run.exitCode}`;
      throw new TokenError(kind, `${this.describe} failed (${status})${why ? `: ${why}` : ''}`, { providerCode: `exit ${run.exitCode ?? run.exitSignal}` });
    }
    const token = this.parse(run.stdout);
    if (!token) throw new TokenError('credentials', `${this.describe} printed no token on stdout`, { providerCode: 'no-token' });
    return token;
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
