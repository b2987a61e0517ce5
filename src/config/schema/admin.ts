import { z } from 'zod';
import { Cron } from 'croner';
import { duration, recipientRef } from './common.js';

/**
 * `admin:` — the Daily and Weekly Admin processes (summaries, missed-backup watchdog,
 * housekeeping). Times are local to `timezone` (default: the host's).
 */

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const TIME = /^(\d{1,2}):(\d{2})$/;
const DAY_TIME = /^([a-z]{3})[a-z]*\s+(\d{1,2}):(\d{2})$/i;

/**
 * `"20:00"` → `0 20 * * *`; `"fri 20:00"` (or `friday 20:00`) → `0 20 * * 5`; a cron expression
 * is kept as it is. Returns undefined for anything else.
 */
export function adminTimeToCron(text: string): string | undefined {
  const value = text.trim();
  const time = TIME.exec(value);
  if (time) return validTime(Number(time[1]), Number(time[2])) ? `${Number(time[2])} ${Number(time[1])} * * *` : undefined;
  const dayTime = DAY_TIME.exec(value);
  if (dayTime) {
    const day = DAYS.indexOf(dayTime[1]!.toLowerCase());
    if (day < 0 || !validTime(Number(dayTime[2]), Number(dayTime[3]))) return undefined;
    return `${Number(dayTime[3])} ${Number(dayTime[2])} * * ${day}`;
  }
  if (value.split(/\s+/).length >= 5) {
    try {
      new Cron(value, { paused: true });
      return value;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function validTime(hour: number, minute: number): boolean {
  return hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59;
}

export function isValidTimezone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const when = (example: string) =>
  z
    .string()
    .min(1)
    .refine((v) => adminTimeToCron(v) !== undefined, { error: (iss) => `${JSON.stringify(iss.input)} is not a time; write e.g. "${example}" (24-hour clock) or a cron expression` });

export const admin = z
  .strictObject({
    /** Daily Admin: `"HH:MM"` or cron. Absent: no daily summary. */
    daily: when('20:00').optional(),
    /** Weekly Admin: `"fri 20:00"` or cron. Absent: no weekly summary (and no weekly verification). */
    weekly: when('fri 20:00').optional(),
    timezone: z
      .string()
      .min(1)
      .refine(isValidTimezone, { error: (iss) => `${JSON.stringify(iss.input)} is not a time zone; write an IANA name such as Europe/Berlin or UTC` })
      .optional(),
    /** Summary recipients (groups or addresses); default notification.admins. */
    to: z.array(recipientRef).optional(),
    /** A summary whose time passed while the service was down is still sent if it starts within this long. */
    catchUpWindow: duration('12h'),
    /** A scheduled set is missed when nothing ran within this many of its intervals after a due time. */
    grace: z.number().min(1, { error: 'grace is a multiple of the schedule interval, at least 1 (default 1.5)' }).max(100).default(1.5),
    /**
     * The weekly vault check re-reads the data of one slice of the packs each week, so that every
     * pack is read back at least every this many weeks (restic: --read-data-subset=n/N). 0: the
     * check reads structure only.
     */
    readDataWeeks: z
      .number({ error: (iss) => `readDataWeeks is a whole number of weeks (0 to 52), found ${JSON.stringify(iss.input)}` })
      .int({ error: 'readDataWeeks is a whole number of weeks (0 to 52)' })
      .min(0, { error: 'readDataWeeks is a whole number of weeks (0 to 52); 0 reads structure only' })
      .max(52, { error: 'readDataWeeks is at most 52 (every pack read at least once a year)' })
      .default(4),
    /** How often the watchdog looks for missed backups and stuck messages. */
    watchEvery: duration('5m'),
    retention: z
      .strictObject({
        /** Activity log rows older than this are pruned by the Admin processes. */
        activity: duration('90d'),
        /** Outbox messages in a final state (sent, failed, expired…) older than this are pruned. */
        outbox: duration('30d'),
      })
      .prefault({}),
  })
  .prefault({});
