import type { SqliteDatabase } from '../storage/sqlite/database.js';
import type { PgDatabase, Queryable } from '../storage/postgres/database.js';
import { copyLedger, untoldRecently } from './spool-flush-notify.js';
import { copyStormWindows, databaseDedupeKey } from './spool-flush-storm.js';
import { copyHostState, settleWriteBacks } from './spool-write-back.js';

/** What a flush copied into the database (zero and zero when an earlier flush already had). */
export interface SpoolFlushed {
  activities: number;
  messages: number;
  /** Sets whose notification state (failing streak) the spool changed, now the database's. */
  streaks: number;
  /** An earlier flush of this spool committed (then crashed before removing it): nothing copied. */
  already: boolean;
}

// Copied as they are: every column but the ids PostgreSQL gives (activities, attempts) and the
// spool's own `replaces`, which says where an activity goes rather than what it is.
const ACTIVITY_COLUMNS = ['kind', 'set_name', 'engine', 'trigger', 'status', 'started_at', 'ended_at', 'scheduled_for', 'files', 'bytes_scanned', 'bytes_new', 'errors', 'warnings', 'first_error', 'snapshot_id', 'log_dropped', 'owner_host', 'owner_pid', 'host'];
const ACTIVITY_END_COLUMNS = ['status', 'ended_at', 'files', 'bytes_scanned', 'bytes_new', 'errors', 'warnings', 'first_error', 'snapshot_id', 'log_dropped'];
const LOG_COLUMNS = ['seq', 'severity', 'message', 'path'];
const MESSAGE_COLUMNS = ['id', 'message_id', 'kind', 'severity', 'priority', 'profile', 'dedupe_key', 'sender', 'recipients', 'subject', 'raw', 'state', 'created_at', 'updated_at', 'next_attempt_at', 'lease_owner', 'attempts', 'last_outcome', 'last_error', 'possible_duplicate', 'sent_at', 'sequence', 'host'];
const HAND_OFF_COLUMNS = ['outbox_id', 'message_id', 'client', 'program', 'queue_listing', 'sender', 'recipients', 'handed_at', 'queue_id', 'last_checked_at', 'last_seen_at', 'left_at', 'stuck_since', 'last_reason'];
const ESCALATION_COLUMNS = ['outbox_id', 'kind', 'subject', 'profile', 'trigger', 'reason', 'message_at', 'escalated_at', 'reported_at'];
const ATTEMPT_COLUMNS = ['message', 'started_at', 'duration_ms', 'transport', 'server', 'outcome', 'reply_code', 'reply_text', 'detail', 'error_code', 'transcript'];

type Row = Record<string, unknown>;

/**
 * Copies a host's spool — the runs and messages it kept in SQLite while PostgreSQL was
 * unreachable — into PostgreSQL, in one transaction that also records the spool's id in
 * `spool_flushes`: all of it is copied once or none of it is, so a flush interrupted anywhere
 * (the database going again, kill -9 after the commit) is simply run again.
 *
 * - An activity gets a new id from PostgreSQL; its log follows it. One the spool `replaces` (a run
 *   that started in the database before the outage and ended during it) ends that activity.
 * - A message keeps its id and Message-ID: one still pending is delivered from PostgreSQL from
 *   now on; one delivered from the spool is history, with its attempts (and its MTA hand-off).
 * - What notification learnt meanwhile goes with them (spool-flush-notify.ts): which runs were
 *   told, so none is told twice or left without its recovery.
 * - The host's own state left in the spool (spool-write-back.ts: streaks, alert pauses, paused
 *   profiles, suspended routes; normally written back already when the database was found back).
 * - Escalations, so a message escalated from the spool is not escalated again from the database.
 * - Storm windows too (spool-flush-storm.ts): one still open goes on gathering in the database
 *   and its grouped message is sent from there; the groups' dedupe keys follow their windows.
 *
 * The spool must be still (no run in progress in it, no message being sent from it): the caller's.
 */
export async function flushSpool(spool: SqliteDatabase, pg: PgDatabase, spoolId: string, host: string, now: number): Promise<SpoolFlushed> {
  // A write-back its process did not live to finish: what it copied is not copied again.
  await settleWriteBacks(spool, pg);
  return pg.exclusive(flushLock(spoolId), async (tx) => {
    if (await tx.one('SELECT 1 FROM spool_flushes WHERE spool_id = $1', [spoolId])) return { activities: 0, messages: 0, streaks: 0, already: true };
    // Read under the lock: a change another process makes in the spool meanwhile (`vigil outbox
    // retry`) is either read here or followed by that process once this commits (spoolFlushed).
    const activities = spool.prepare('SELECT * FROM activities ORDER BY id').all() as Row[];
    const messages = spool.prepare('SELECT * FROM messages ORDER BY rowid').all() as Row[];
    const ids = new Map<number, number>();
    for (const activity of activities) {
      const log = spool.prepare('SELECT * FROM activity_log WHERE activity = ? ORDER BY seq').all(activity.id) as Row[];
      const target = await copyActivity(tx, activity);
      ids.set(activity.id as number, target);
      for (const entry of log) await insert(tx, 'activity_log', ['activity', ...LOG_COLUMNS], [target, ...LOG_COLUMNS.map((c) => entry[c])], 'ON CONFLICT DO NOTHING');
    }
    const windows = await copyStormWindows(tx, spool, ids, host);
    for (const message of messages) {
      const values = MESSAGE_COLUMNS.map((c) => (c === 'dedupe_key' ? databaseDedupeKey(message[c] as string | null, windows) : message[c]));
      const copied = await insert(tx, 'messages', MESSAGE_COLUMNS, values, 'ON CONFLICT DO NOTHING');
      if (copied === 0) continue; // already there: never twice
      const attempts = spool.prepare('SELECT * FROM attempts WHERE message = ? ORDER BY id').all(message.id) as Row[];
      for (const attempt of attempts) await insert(tx, 'attempts', ATTEMPT_COLUMNS, ATTEMPT_COLUMNS.map((c) => attempt[c]));
      // Handed to a local MTA (msmtp, postfix) from the spool: followed in its queue from the database.
      const handOff = spool.prepare('SELECT * FROM mta_handoffs WHERE outbox_id = ?').get(message.id) as Row | undefined;
      if (handOff) await insert(tx, 'mta_handoffs', HAND_OFF_COLUMNS, HAND_OFF_COLUMNS.map((c) => handOff[c]));
    }
    // Escalated from the spool: not again from the database (its message is there now, maybe still
    // undelivered), and reported in the next delivered mail if it was not yet. Once per message.
    for (const e of spool.prepare('SELECT * FROM escalations ORDER BY id').all() as Row[]) {
      await insert(tx, 'escalations', ESCALATION_COLUMNS, ESCALATION_COLUMNS.map((c) => e[c]), 'ON CONFLICT (outbox_id) DO NOTHING');
    }
    const state = await copyHostState(tx, spool, host);
    await copyLedger(tx, spool, ids);
    // The spool's write-backs are settled (above) and it is gone after this: their tokens are not needed.
    await tx.run('DELETE FROM spool_write_backs WHERE token LIKE $1', [`${spoolId}:%`]);
    await tx.run('INSERT INTO spool_flushes (spool_id, host, flushed_at, activities, messages) VALUES ($1, $2, $3, $4, $5)', [spoolId, host, now, activities.length, messages.length]);
    return { activities: activities.length, messages: messages.length, streaks: state.streaks.length, already: false };
  });
}

const flushLock = (spoolId: string): string => `spool:${spoolId}`;

/**
 * Whether spool `spoolId` is in the database: asked by a process that changed a message in the
 * spool, once a flush of it in progress (which may have read the spool before the change) has
 * committed or given up. Then the change is to be made in the database too.
 */
export function spoolFlushed(pg: PgDatabase, spoolId: string): Promise<boolean> {
  return pg.exclusive(flushLock(spoolId), async (tx) => (await tx.one('SELECT 1 FROM spool_flushes WHERE spool_id = $1', [spoolId])) !== undefined);
}

/** The activity's id in PostgreSQL: the one it replaces, ended with the spool's result, or a new one. */
async function copyActivity(tx: Queryable, activity: Row): Promise<number> {
  const replaces = activity.replaces as number | null;
  if (replaces !== null) {
    const set = ACTIVITY_END_COLUMNS.map((c, i) => `${c} = $${i + 2}`).join(', ');
    const ended = await tx.run(`UPDATE activities SET ${set} WHERE id = $1`, [replaces, ...ACTIVITY_END_COLUMNS.map((c) => activity[c])]);
    if (ended > 0) {
      // Whatever was logged there before (nothing, or an abandonment) gives way to the run's own log.
      await tx.run('DELETE FROM activity_log WHERE activity = $1', [replaces]);
      return replaces;
    }
  }
  const placeholders = ACTIVITY_COLUMNS.map((_, i) => `$${i + 1}`).join(', ');
  const row = await tx.one<{ id: number }>(`INSERT INTO activities (${ACTIVITY_COLUMNS.join(', ')}) VALUES (${placeholders}) RETURNING id`, ACTIVITY_COLUMNS.map((c) => activity[c]));
  return row!.id;
}

function insert(tx: Queryable, table: string, columns: string[], values: unknown[], tail = ''): Promise<number> {
  const placeholders = columns.map((_, i) => `$${i + 1}`).join(', ');
  return tx.run(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${placeholders}) ${tail}`, values);
}

// A run's notification takes seconds; one not told after this is left to the database's periodic pass.
const TELLING_MS = 60_000;

/** Runs in progress in the spool, and runs that just ended whose notification is under way: it is flushed only when both are none. */
export function spoolBusy(spool: SqliteDatabase, now: number): { running: number; telling: number } {
  const { running } = spool.prepare("SELECT COUNT(*) AS running FROM activities WHERE status = 'running'").get() as { running: number };
  return { running, telling: untoldRecently(spool, now, TELLING_MS) };
}

/** Marks a spooled activity as the end of the database's activity `primaryId` (started before the outage). */
export function markReplaces(spool: SqliteDatabase, spooledId: number, primaryId: number): void {
  spool.prepare('UPDATE activities SET replaces = ? WHERE id = ?').run(primaryId, spooledId);
}
