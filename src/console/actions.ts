import { isVigilError } from '../domain/errors.js';
import type { AppContext } from '../app/context.js';
import { sendChannelTest, sendProfileTest } from '../app/test-message.js';
import { channelProfile } from '../domain/channel.js';

/** What an action did, for a flash line on the page or the API's answer. */
export interface ActionResult {
  ok: boolean;
  /** 200, or 404 (unknown name), 409 (busy), 500. */
  status: 200 | 404 | 409 | 500;
  message: string;
  id?: string;
}

/**
 * The console's state changes — retry a message, run a set, send a test — each through the same
 * code as its command (`vigil outbox retry`, `vigil run`, `vigil mail test` / `notify test`).
 * Never throws: a problem is an unsuccessful result with the reason.
 */
export async function retryMessage(app: AppContext, id: string): Promise<ActionResult> {
  return guard(async () => {
    const message = await app.store.outbox.get(id);
    if (!message) return { ok: false, status: 404, message: `no message with id ${id} in the Outbox` };
    const retried = await app.store.outbox.retry(id, app.clock.now());
    app.dispatcher.wake();
    return { ok: true, status: 200, message: `message ${id} is ${retried.state} and due now`, id };
  });
}

/** At most this many messages per "retry all deferred" (each is its own short write). */
export const RETRY_DEFERRED_MAX = 10_000;
const RETRY_PAGE = 500;

/**
 * "Retry all deferred" of one Outbox profile (a Mail Profile, or `channel:<name>`): every
 * deferred message of it that is waiting for its next attempt goes through the same retry as
 * one message (`vigil outbox retry`): due now, and the route's breaker suspension ends. A
 * message that started sending or was sent meanwhile is left alone and counted as skipped.
 */
export async function retryDeferred(app: AppContext, profile: string): Promise<ActionResult> {
  const { config } = app.loaded;
  const known = config.profiles[profile] !== undefined || Object.keys(config.channels).some((name) => channelProfile(name) === profile);
  if (!known) return { ok: false, status: 404, message: `no profile or channel named "${profile}" (channels are channel:<name>)` };
  return guard(async () => {
    const now = app.clock.now();
    let retried = 0;
    let skipped = 0;
    const seen = new Set<string>();
    // Newest first, a page at a time; a retried message stays deferred (due now), so the cursor
    // is its creation time and the messages seen, not the state.
    let createdBefore: number | undefined;
    while (retried + skipped < RETRY_DEFERRED_MAX) {
      const page = await app.store.outbox.list({ profile, states: ['deferred'], limit: RETRY_PAGE, ...(createdBefore === undefined ? {} : { createdBefore }) });
      const fresh = page.filter((m) => !seen.has(m.id));
      if (fresh.length === 0) break;
      for (const m of fresh) {
        seen.add(m.id);
        if (m.nextAttemptAt <= now) continue; // already due: nothing to retry
        try {
          await app.store.outbox.retry(m.id, now);
          retried++;
        } catch (error) {
          if (!isVigilError(error)) throw error;
          skipped++;
        }
      }
      createdBefore = Math.min(...page.map((m) => m.createdAt)) + 1;
    }
    if (retried) app.dispatcher.wake();
    const more = retried + skipped >= RETRY_DEFERRED_MAX ? `; stopped after ${RETRY_DEFERRED_MAX}: press again for the rest` : '';
    const also = skipped ? `; ${skipped} skipped (being delivered or sent meanwhile)` : '';
    return { ok: true, status: 200, message: `${retried} deferred ${retried === 1 ? 'message' : 'messages'} of ${profile} ${retried === 1 ? 'is' : 'are'} due now${also}${more}` };
  });
}

/**
 * Starts a manual run of `set` and answers once it is recorded as running (the run goes on; its
 * page follows it). The service's runner refuses a set that is already running (ERR_SET_BUSY).
 */
export async function runSetNow(app: AppContext, set: string): Promise<ActionResult> {
  if (!app.loaded.config.sets[set]) return { ok: false, status: 404, message: `no backup set named "${set}"` };
  return guard(
    () =>
      new Promise<ActionResult>((resolve) => {
        app.runner
          .run(set, { trigger: 'manual', onStart: (activityId) => resolve({ ok: true, status: 200, message: `set ${set} started: activity ${activityId}`, id: String(activityId) }) })
          .then(
            (activity) => resolve({ ok: true, status: 200, message: `set ${set}: ${activity.status}`, id: String(activity.id) }),
            (error: unknown) => resolve(failure(error)),
          );
      }),
  );
}

/** Sends a test through a Mail Profile or a channel, whichever `name` is. */
export async function sendTest(app: AppContext, name: string): Promise<ActionResult> {
  const { config } = app.loaded;
  if (!config.profiles[name] && !config.channels[name]) return { ok: false, status: 404, message: `no profile or channel named "${name}"` };
  return guard(async () => {
    const result = config.profiles[name] ? await sendProfileTest(app, name) : await sendChannelTest(app, name);
    const what = result.outcome ? `${result.outcome.kind}: ${app.redactor.redact(result.outcome.detail)}` : 'no outcome yet (another Vigil process is delivering it)';
    return { ok: result.accepted, status: 200, message: `test through ${name}: ${what}`, id: result.id };
  });
}

async function guard(work: () => Promise<ActionResult>): Promise<ActionResult> {
  try {
    return await work();
  } catch (error) {
    return failure(error);
  }
}

function failure(error: unknown): ActionResult {
  if (isVigilError(error)) return { ok: false, status: error.code === 'ERR_SET_BUSY' ? 409 : error.code.endsWith('NOT_FOUND') || error.code.endsWith('UNKNOWN') ? 404 : 500, message: error.message };
  return { ok: false, status: 500, message: error instanceof Error ? error.message : String(error) };
}
