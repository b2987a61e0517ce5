import { channelProfile } from '../../domain/channel.js';
import { MESSAGE_STATES, PENDING_STATES, PRIORITY, type MessageState } from '../../domain/message.js';
import type { AppContext } from '../../app/context.js';

/** A Mail Profile or a push channel as the console shows it: never its credentials or full URL. */
export interface RouteView {
  name: string;
  kind: 'profile' | 'channel';
  /** smtp, client, graph, maildir… for a profile; ntfy, slack, webhook… for a channel. */
  type: string;
  /** A channel's plain URL reduced to its origin: the rest of it may be the credential. */
  endpoint: string | null;
  paused: boolean;
  pausedUntil: number | null;
  pauseReason: string | null;
  verifiedAt: number | null;
  last: { id: string; state: MessageState; at: number; kind: string; error: string | null } | null;
}

export interface DeliveryView {
  byState: Record<MessageState, number>;
  /** Pending longer than mail.stuckAfter. */
  stuck: number;
  oldestCriticalPendingAt: number | null;
  /** Critical messages escalated and not yet reported in a delivered notification. */
  unreportedEscalations: number;
  routes: RouteView[];
}

export async function loadRoutes(app: AppContext): Promise<RouteView[]> {
  const { config } = app.loaded;
  const now = app.clock.now();
  const states = new Map((await app.store.profiles.all()).map((s) => [s.name, s]));
  const routes: Array<Omit<RouteView, 'paused' | 'pausedUntil' | 'pauseReason' | 'verifiedAt' | 'last'> & { key: string }> = [
    ...Object.entries(config.profiles).map(([name, p]) => ({ name, key: name, kind: 'profile' as const, type: p.method, endpoint: null })),
    ...Object.entries(config.channels).map(([name, c]) => ({ name, key: channelProfile(name), kind: 'channel' as const, type: c.type, endpoint: origin(c.url) })),
  ];
  return Promise.all(
    routes.map(async ({ key, ...route }) => {
      const state = states.get(key);
      const [last] = await app.store.outbox.list({ profile: key, limit: 1 });
      const paused = state?.pausedUntil != null && state.pausedUntil > now;
      return {
        ...route,
        paused,
        pausedUntil: paused ? (state?.pausedUntil ?? null) : null,
        pauseReason: paused ? (state?.pauseReason ?? null) : null,
        verifiedAt: state?.verifiedAt ?? null,
        last: last ? { id: last.id, state: last.state, at: last.sentAt ?? last.updatedAt, kind: last.kind, error: last.lastError } : null,
      };
    }),
  );
}

export async function loadDelivery(app: AppContext): Promise<DeliveryView> {
  const now = app.clock.now();
  const [counts, stuck, oldestCritical, escalations, routes] = await Promise.all([
    app.store.outbox.countByState(),
    app.store.outbox.list({ states: [...PENDING_STATES], createdBefore: now - app.loaded.config.mail.stuckAfter, limit: 1_000 }),
    app.store.metrics.oldestPendingAt(PRIORITY.critical),
    app.store.escalations.unreported(),
    loadRoutes(app),
  ]);
  const byState = Object.fromEntries(MESSAGE_STATES.map((s) => [s, counts[s] ?? 0])) as Record<MessageState, number>;
  return { byState, stuck: stuck.length, oldestCriticalPendingAt: oldestCritical ?? null, unreportedEscalations: escalations.length, routes };
}

function origin(url: unknown): string | null {
  if (typeof url !== 'string') return url ? '(secret)' : null;
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}
