import type { Queryable } from '../storage/postgres/database.js';
import type { StormHeldRow, StormWindowRow } from '../storage/rows/storm-rows.js';
import type { SqliteDatabase } from '../storage/sqlite/database.js';

// Storm control's windows, kept in a spool while PostgreSQL was away, and how they go back into
// the database with the spool's runs (spool-flush.ts). A window opened late in the outage is
// still gathering when the spool is flushed: it must go on in the database, or its grouped
// message — the only alert of the failures it held — is lost with the spool.

interface SpooledWindow extends StormWindowRow {
  flushed_at: number | null;
}

/** What the flush copies of storm control: each spooled window's id in the database. */
export type WindowIds = ReadonlyMap<number, number>;

/**
 * The database's id of an activity id as notification knows it in a spool: the spool's own runs
 * are numbered below zero (spooling-ports.ts) and got an id in the database from the flush; a
 * run of the database keeps its own.
 */
export function databaseActivityId(notifierId: number, ids: ReadonlyMap<number, number>): number {
  return notifierId < 0 ? (ids.get(-notifierId) ?? notifierId) : notifierId;
}

/**
 * Inside the flush's transaction: every window of the spool becomes one of the host's in the
 * database (a new id), with its held failures, their runs at their ids there. An open window
 * goes on gathering and is sent at its end by the database's storm control; one the spool already
 * sent is history, which keeps admitting a run told again (the periodic pass, after the flush)
 * to its verdict. `ids`: each spooled run's id in the database. Returns the windows' new ids.
 */
export async function copyStormWindows(tx: Queryable, spool: SqliteDatabase, ids: ReadonlyMap<number, number>, host: string): Promise<WindowIds> {
  const windows = spool.prepare('SELECT * FROM storm_windows ORDER BY id').all() as SpooledWindow[];
  const heldOf = spool.prepare('SELECT * FROM storm_held WHERE window = ? ORDER BY id');
  const copied = new Map<number, number>();
  for (const w of windows) {
    const row = await tx.one<{ id: number }>(
      `INSERT INTO storm_windows (host, opened_at, ends_at, first_set, first_status, first_error, first_activity, first_ended_at, flushed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
      [host, w.opened_at, w.ends_at, w.first_set, w.first_status, w.first_error, databaseActivityId(w.first_activity, ids), w.first_ended_at, w.flushed_at],
    );
    copied.set(w.id, row!.id);
    for (const h of heldOf.all(w.id) as StormHeldRow[]) {
      await tx.run('INSERT INTO storm_held ("window", set_name, status, first_error, activity_id, ended_at) VALUES ($1, $2, $3, $4, $5, $6)', [
        row!.id,
        h.set_name,
        h.status,
        h.first_error,
        databaseActivityId(h.activity_id, ids),
        h.ended_at,
      ]);
    }
  }
  return copied;
}

/**
 * A spooled message's dedupe key as the database knows it: a storm group's key names its window
 * (`storm:<id>`, `storm:<id>:pager`, `storm:<id>:channel:<name>`), and the spool's window ids
 * are not the database's. Left as it was, the key of a group sent from the spool would stand for
 * the database's window of that number, whose own group would then never be queued.
 */
export function databaseDedupeKey(key: string | null, windows: WindowIds): string | null {
  const match = key === null ? null : /^storm:(\d+)(:.*)?$/.exec(key);
  if (!match) return key;
  const id = windows.get(Number(match[1]));
  return id === undefined ? key : `storm:${id}${match[2] ?? ''}`;
}

/**
 * Between the database's return and the flush, storm control sees the spool's windows too, by
 * their ids negated (spooling-storm.ts), so they are never taken for the database's windows of
 * the same numbers. A group of such a window (`storm:-<id>…`) belongs in the spool, under the
 * spool's key (`storm:<id>…`), which the flush maps to the window's number in the database like
 * any other: the spool's key of a key of this form, else undefined.
 */
export function spooledWindowKey(key: string | null | undefined): string | undefined {
  const match = key ? /^storm:-(\d+)(:.*)?$/.exec(key) : null;
  return match ? `storm:${match[1]}${match[2] ?? ''}` : undefined;
}
