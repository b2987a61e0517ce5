import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../domain/clock.js';

/** One logged-in person: the session id is the cookie; the CSRF token goes in every form. */
export interface Session {
  id: string;
  user: string;
  csrf: string;
  expiresAt: number;
  /** A one-time line for the next page (what the last action did). */
  flash?: { ok: boolean; text: string };
}

/**
 * Logins held in memory: a restart logs everyone out, which is the safe direction for a console
 * that can run backups. Sessions slide: each use extends one by `ttlMs`.
 */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs: number,
    // A bound on memory if something logs in in a loop (the login limiter makes that slow anyway).
    private readonly maxSessions = 1_000,
  ) {}

  create(user: string): Session {
    this.sweep();
    if (this.sessions.size >= this.maxSessions) {
      const oldest = [...this.sessions.values()].sort((a, b) => a.expiresAt - b.expiresAt)[0];
      if (oldest) this.sessions.delete(oldest.id);
    }
    const session = { id: token(), user, csrf: token(), expiresAt: this.clock.now() + this.ttlMs };
    this.sessions.set(session.id, session);
    return session;
  }

  /** The live session of cookie value `id`, extended; undefined when unknown or expired. */
  get(id: string | undefined): Session | undefined {
    if (!id) return undefined;
    const session = this.sessions.get(id);
    if (!session) return undefined;
    const now = this.clock.now();
    if (session.expiresAt <= now) {
      this.sessions.delete(id);
      return undefined;
    }
    session.expiresAt = now + this.ttlMs;
    return session;
  }

  delete(id: string): void {
    this.sessions.delete(id);
  }

  private sweep(): void {
    const now = this.clock.now();
    for (const [id, s] of this.sessions) if (s.expiresAt <= now) this.sessions.delete(id);
  }
}

/** Compares a submitted CSRF token with the session's in constant time. */
export function csrfMatches(session: Session, submitted: string | undefined): boolean {
  if (!submitted) return false;
  const a = Buffer.from(session.csrf);
  const b = Buffer.from(submitted);
  return a.length === b.length && timingSafeEqual(a, b);
}

function token(): string {
  return randomBytes(32).toString('base64url');
}
