/**
 * Versioned schema migrations, applied in order, each in its own transaction, recorded in
 * schema_migrations. Never edit a migration that has shipped: add the next one.
 */
import type { Migration } from '../ports/migration.js';

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'outbox',
    sql: `
      CREATE TABLE messages (
        id                 TEXT PRIMARY KEY,
        message_id         TEXT NOT NULL UNIQUE,
        kind               TEXT NOT NULL,
        severity           TEXT NOT NULL,
        priority           INTEGER NOT NULL,
        profile            TEXT NOT NULL,
        dedupe_key         TEXT,
        sender             TEXT NOT NULL,
        recipients         TEXT NOT NULL,          -- JSON array
        subject            TEXT NOT NULL,
        raw                BLOB NOT NULL,          -- rendered once, sent byte for byte
        state              TEXT NOT NULL,
        created_at         INTEGER NOT NULL,
        updated_at         INTEGER NOT NULL,
        next_attempt_at    INTEGER NOT NULL,       -- for 'sending': when the lease expires
        lease_owner        TEXT,
        attempts           INTEGER NOT NULL DEFAULT 0,
        last_outcome       TEXT,
        last_error         TEXT,
        possible_duplicate INTEGER NOT NULL DEFAULT 0,
        sent_at            INTEGER
      );
      -- Claiming reads only pending rows, most urgent first.
      CREATE INDEX messages_due ON messages (priority, next_attempt_at)
        WHERE state IN ('queued', 'deferred', 'sending');
      CREATE INDEX messages_dedupe ON messages (dedupe_key)
        WHERE dedupe_key IS NOT NULL AND state IN ('queued', 'deferred', 'sending');
      CREATE INDEX messages_created ON messages (created_at);

      CREATE TABLE attempts (
        id          INTEGER PRIMARY KEY,
        message     TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
        started_at  INTEGER NOT NULL,
        duration_ms INTEGER NOT NULL,
        transport   TEXT NOT NULL,
        server      TEXT,
        outcome     TEXT NOT NULL,
        reply_code  INTEGER,
        reply_text  TEXT,
        detail      TEXT NOT NULL,
        error_code  TEXT,
        transcript  TEXT NOT NULL
      );
      CREATE INDEX attempts_message ON attempts (message);

      CREATE TABLE profile_state (
        name                 TEXT PRIMARY KEY,
        verified_at          INTEGER,
        verified_fingerprint TEXT,
        paused_until         INTEGER,
        pause_reason         TEXT
      );
    `,
  },
  {
    version: 2,
    name: 'activity',
    sql: `
      CREATE TABLE activities (
        id             INTEGER PRIMARY KEY,
        kind           TEXT NOT NULL,             -- backup | restore | validation | admin
        set_name       TEXT,
        engine         TEXT,
        trigger        TEXT NOT NULL,             -- manual | schedule | service
        status         TEXT NOT NULL,             -- running, then a run status or skipped
        started_at     INTEGER NOT NULL,
        ended_at       INTEGER,
        scheduled_for  INTEGER,
        files          INTEGER NOT NULL DEFAULT 0,
        bytes_scanned  INTEGER NOT NULL DEFAULT 0,
        bytes_new      INTEGER NOT NULL DEFAULT 0,
        errors         INTEGER NOT NULL DEFAULT 0,
        warnings       INTEGER NOT NULL DEFAULT 0,
        first_error    TEXT,
        snapshot_id    TEXT,
        log_dropped    INTEGER NOT NULL DEFAULT 0,
        owner_host     TEXT,                      -- who runs it, to tell a live run from one
        owner_pid      INTEGER                    -- abandoned by a process that died
      );
      CREATE INDEX activities_started ON activities (started_at);
      CREATE INDEX activities_set ON activities (set_name, started_at);
      CREATE INDEX activities_running ON activities (set_name) WHERE status = 'running';

      CREATE TABLE activity_log (
        activity  INTEGER NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
        seq       INTEGER NOT NULL,
        severity  TEXT NOT NULL,
        message   TEXT NOT NULL,
        path      TEXT,
        PRIMARY KEY (activity, seq)
      );

      -- The scheduler's memory: the last due time handled per set, so runs due while the
      -- service was down are found (and recorded missed) and no due time is run twice.
      CREATE TABLE schedule_state (
        set_name     TEXT PRIMARY KEY,
        schedule     TEXT NOT NULL,               -- expression + timezone the state belongs to
        last_due_at  INTEGER NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: 'mta hand-offs',
    sql: `
      -- Messages handed to a spooling mail program (state queued-locally) and which local queue
      -- holds them, so the queue watch can tell "stuck in the MTA" from "left it".
      CREATE TABLE mta_handoffs (
        outbox_id       TEXT PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
        message_id      TEXT NOT NULL,
        client          TEXT NOT NULL,
        program         TEXT NOT NULL,
        queue_listing   TEXT NOT NULL,
        sender          TEXT NOT NULL,
        recipients      TEXT NOT NULL,          -- JSON array
        handed_at       INTEGER NOT NULL,
        queue_id        TEXT,
        last_checked_at INTEGER,
        last_seen_at    INTEGER,
        left_at         INTEGER,
        stuck_since     INTEGER,
        last_reason     TEXT
      );
      CREATE INDEX mta_handoffs_watched ON mta_handoffs (handed_at) WHERE left_at IS NULL;
    `,
  },
  {
    version: 4,
    name: 'notification state',
    sql: `
      -- Per set: the failing streak notification remembers, so a restart neither re-alerts nor
      -- forgets to send the recovery notice (src/notify/streak.ts).
      CREATE TABLE notify_state (
        set_name      TEXT PRIMARY KEY,
        failures      INTEGER NOT NULL,
        failing_since INTEGER,
        signature     TEXT,
        alerted_at    INTEGER,
        last_status   TEXT
      );
    `,
  },
  {
    version: 5,
    name: 'notification escalation, storms and ledger',
    sql: `
      -- Critical messages that could not be delivered and were escalated (pager, system log).
      -- One row per message: a message escalates once. The next delivered notification reports
      -- the unreported ones; the Daily Admin summary lists them.
      CREATE TABLE escalations (
        id            INTEGER PRIMARY KEY,
        outbox_id     TEXT NOT NULL UNIQUE,
        kind          TEXT NOT NULL,
        subject       TEXT NOT NULL,
        profile       TEXT NOT NULL,
        trigger       TEXT NOT NULL,            -- failed | paused | overdue
        reason        TEXT NOT NULL,
        message_at    INTEGER NOT NULL,         -- when the undelivered message was enqueued
        escalated_at  INTEGER NOT NULL,
        reported_at   INTEGER
      );
      CREATE INDEX escalations_at ON escalations (escalated_at);
      CREATE INDEX escalations_unreported ON escalations (escalated_at) WHERE reported_at IS NULL;

      -- Storm control: the first critical alert opens a window and goes out at once; failures
      -- arriving before it ends are held here (so a crash loses none) and sent as one message.
      CREATE TABLE storm_windows (
        id            INTEGER PRIMARY KEY,
        opened_at     INTEGER NOT NULL,
        ends_at       INTEGER NOT NULL,
        first_set     TEXT NOT NULL,
        first_status  TEXT NOT NULL,
        first_error   TEXT,
        first_activity INTEGER NOT NULL,
        first_ended_at INTEGER NOT NULL,
        flushed_at    INTEGER
      );
      CREATE INDEX storm_windows_open ON storm_windows (ends_at) WHERE flushed_at IS NULL;
      CREATE TABLE storm_held (
        id            INTEGER PRIMARY KEY,
        window        INTEGER NOT NULL REFERENCES storm_windows (id) ON DELETE CASCADE,
        set_name      TEXT NOT NULL,
        status        TEXT NOT NULL,
        first_error   TEXT,
        activity_id   INTEGER NOT NULL,
        ended_at      INTEGER NOT NULL
      );
      CREATE INDEX storm_held_window ON storm_held (window);

      -- Which finished activities notification has handled: begun (keys written before the
      -- enqueue) and done (streak saved). A run that ended just before a crash is found here
      -- missing and notified at the next start.
      CREATE TABLE notify_ledger (
        activity_id   INTEGER PRIMARY KEY,
        dedupe_keys   TEXT,                     -- JSON array, written before the enqueue
        begun_at      INTEGER NOT NULL,
        done_at       INTEGER
      );
      -- Runs that ended before this version existed count as handled: an upgrade must not
      -- replay old alerts.
      INSERT INTO notify_ledger (activity_id, dedupe_keys, begun_at, done_at)
        SELECT id, NULL, COALESCE(ended_at, started_at), COALESCE(ended_at, started_at)
        FROM activities WHERE kind = 'backup' AND status != 'running';
    `,
  },
  {
    version: 6,
    name: 'admin processes',
    sql: `
      -- One row per Daily/Weekly Admin period (key daily:2026-11-22): the primary key is what
      -- keeps a summary from being sent twice, across restarts and processes.
      CREATE TABLE admin_runs (
        key          TEXT PRIMARY KEY,
        kind         TEXT NOT NULL,             -- daily | weekly
        due_at       INTEGER NOT NULL,
        started_at   INTEGER NOT NULL,
        ended_at     INTEGER,
        state        TEXT NOT NULL,             -- running | sent | failed
        owner        TEXT NOT NULL,
        activity_id  INTEGER,
        outbox_ids   TEXT,                      -- JSON array
        error        TEXT
      );
      -- The missed-backup watchdog: since when each set's schedule is watched.
      CREATE TABLE watchdog_state (
        set_name  TEXT PRIMARY KEY,
        schedule  TEXT NOT NULL,
        since     INTEGER NOT NULL
      );
      -- Summaries aggregate activities by end time; covering the summed columns, the aggregate
      -- reads the index alone (a million-row log summarised without touching the table).
      CREATE INDEX activities_ended ON activities (ended_at, kind, set_name, status, files, bytes_scanned, bytes_new, started_at);
    `,
  },
  {
    version: 7,
    name: 'notification claims',
    sql: `
      -- Who is notifying an activity: \`vigil run\` and the service's recovery may both reach a
      -- finished run; the claim (taken in one transaction) lets exactly one of them notify it.
      -- A claim whose owner process is dead, or older than a lease, may be taken over.
      ALTER TABLE notify_ledger ADD COLUMN claim_host TEXT;
      ALTER TABLE notify_ledger ADD COLUMN claim_pid INTEGER;
      ALTER TABLE notify_ledger ADD COLUMN claimed_at INTEGER;
    `,
  },
  // 7 is the notification ledger's claims (another change); versions are a set, not a sequence.
  {
    version: 8,
    name: 'admin run retries',
    sql: `
      -- A failed period is retried a few times (5, 15, 60 min) within admin.catchUpWindow: the
      -- plan is stored, so a restarted service continues it instead of forgetting it.
      ALTER TABLE admin_runs ADD COLUMN attempts INTEGER NOT NULL DEFAULT 1;
      ALTER TABLE admin_runs ADD COLUMN retry_at INTEGER;  -- failed runs only; NULL = given up
    `,
  },
  {
    version: 11,
    name: 'route suspensions',
    sql: `
      -- A route (a profile's transport) whose probe found it down: its messages are not claimed
      -- before \`until\`, by any process. One row per route rather than a write per message, so an
      -- outage with 100,000 queued messages costs the database nothing.
      CREATE TABLE route_suspensions (
        profile TEXT PRIMARY KEY,
        since   INTEGER NOT NULL,
        until   INTEGER NOT NULL,
        reason  TEXT NOT NULL
      );
    `,
  },
  {
    version: 15,
    name: 'vault check rotation',
    sql: `
      -- The weekly vault check reads one slice of a vault's data each week (admin.readDataWeeks):
      -- which slice is next is stored, so a restarted service carries on instead of re-reading
      -- the first slice for ever. target: "builtin:<vault path>" or "restic:<repository>".
      CREATE TABLE vault_check_rotation (
        target      TEXT PRIMARY KEY,
        slices      INTEGER NOT NULL,
        next_slice  INTEGER NOT NULL,   -- 1-based, as restic's --read-data-subset=n/t
        updated_at  INTEGER NOT NULL
      );
    `,
  },
  {
    version: 25,
    name: 'alert pauses',
    sql: `
      -- Maintenance mode (vigil pause): a set's alerts are not sent until \`until\` (NULL: until
      -- vigil resume). set_name '*' pauses every set. Runs are still recorded as usual.
      CREATE TABLE alert_pauses (
        set_name TEXT PRIMARY KEY,
        since    INTEGER NOT NULL,
        until    INTEGER
      );
      -- What a pause kept from being sent, so vigil resume can list it.
      CREATE TABLE alert_suppressions (
        id       INTEGER PRIMARY KEY,
        set_name TEXT NOT NULL,
        at       INTEGER NOT NULL,
        what     TEXT NOT NULL
      );
      CREATE INDEX alert_suppressions_at ON alert_suppressions (at);
    `,
  },
  {
    version: 30,
    name: 'ordered sequences',
    sql: `
      -- Messages of one sequence (a run's heartbeat pings) are delivered in the order they were
      -- enqueued (rowid order): one is not claimed while an earlier one of its sequence is pending.
      ALTER TABLE messages ADD COLUMN sequence TEXT;
      CREATE INDEX messages_sequence ON messages (sequence)
        WHERE sequence IS NOT NULL AND state IN ('queued', 'deferred', 'sending');
    `,
  },
  {
    version: 31,
    name: 'fleet hosts and leader lease',
    sql: `
      -- Each \`vigil start\` registers its host and heartbeats it; the leader reads them to tell a
      -- host that went silent. sets: JSON array of {name, schedule, timezone?} (when the host
      -- should be at work, even after it died). silent_alerted_since: the silence already alerted
      -- (NULL: none), so a restart or a new leader does not alert it again.
      CREATE TABLE hosts (
        name                  TEXT PRIMARY KEY,
        version               TEXT NOT NULL,
        started_at            INTEGER NOT NULL,
        last_seen             INTEGER NOT NULL,
        stopped_at            INTEGER,
        sets                  TEXT NOT NULL,
        silent_alerted_since  INTEGER
      );
      -- A fenced lease per name ('leader'): token grows each time the lease changes hands.
      CREATE TABLE leases (
        name        TEXT PRIMARY KEY,
        owner       TEXT NOT NULL,
        token       INTEGER NOT NULL,
        expires_at  INTEGER NOT NULL
      );
    `,
  },
  {
    version: 32,
    name: 'host of activities and messages',
    sql: `
      -- The host an activity ran on and a message was enqueued by: with hosts sharing one store,
      -- listings show a HOST column and narrow with --host. Older rows take their run's owner.
      ALTER TABLE activities ADD COLUMN host TEXT;
      UPDATE activities SET host = owner_host;
      CREATE INDEX activities_host ON activities (host, started_at);
      ALTER TABLE messages ADD COLUMN host TEXT;
    `,
  },
  {
    version: 36,
    name: 'trend per set',
    sql: `
      -- The console's Overview shows a page of sets with their 14-day trend: per set and day a
      -- range of this index, covering every column the trend reads, so a page of 100 sets reads
      -- 1,400 index entries instead of every run of the fortnight (activities_ended).
      CREATE INDEX activities_set_ended ON activities (set_name, ended_at, kind, status, bytes_new);
    `,
  },
  {
    version: 37,
    name: 'outbox hand-over',
    sql: `
      -- The shared Outbox hands a gone host's messages over (docs/fleet.md): fingerprint is the
      -- hash of the Mail Profile's or channel's settings on the host that enqueued it (never a
      -- secret; NULL: never handed over), and another host takes the message only with the same
      -- fingerprint for that name. delivered_by and attempts.host: which host delivered it, and
      -- which made each attempt (no longer always the host that enqueued it).
      ALTER TABLE messages ADD COLUMN fingerprint TEXT;
      ALTER TABLE messages ADD COLUMN delivered_by TEXT;
      ALTER TABLE attempts ADD COLUMN host TEXT;
    `,
  },
  {
    version: 38,
    name: 'runs per host and set',
    sql: `
      -- The fleet summary (docs/fleet.md) reads each host's sets: per (host, set) its newest run,
      -- newest success and the watchdog's reference, one probe of this index each, read backwards.
      CREATE INDEX activities_host_set ON activities (host, set_name, ended_at);
    `,
  },
  {
    version: 39,
    name: 'spool flushes',
    sql: `
      -- A host that lost its PostgreSQL buffers runs and messages in a local SQLite spool and
      -- copies it in when the database returns (src/app/spool-flush.ts), in one transaction that
      -- also records the spool here: a flush interrupted after its commit is not copied twice.
      CREATE TABLE spool_flushes (
        spool_id    TEXT PRIMARY KEY,
        host        TEXT NOT NULL,
        flushed_at  INTEGER NOT NULL,
        activities  INTEGER NOT NULL,
        messages    INTEGER NOT NULL
      );
      -- In a spool: the database's activity a run started before the outage and ended in it.
      ALTER TABLE activities ADD COLUMN replaces INTEGER;
    `,
  },
  {
    version: 41,
    name: 'activity prunes',
    sql: `
      -- How many activities retention has deleted, ever: bumped in each prune batch's own
      -- transaction. The console keeps per-set figures between requests and reads them again
      -- when the activity ids change; a prune that spares the lowest id (a run that started
      -- first and ended last) changes neither end, but does change this. No row until the
      -- first prune (so \`vigil database migrate\` still finds the new database empty).
      CREATE TABLE activity_prunes (
        id      INTEGER PRIMARY KEY CHECK (id = 1),
        pruned  INTEGER NOT NULL
      );
    `,
  },
  {
    version: 42,
    name: 'state per host',
    sql: `
      -- Hosts sharing one store (a fleet) each have their own sets and profiles, and the same
      -- names on several hosts (every host a set "system", a profile "office") are different
      -- things: the state kept per set or profile is kept per host too. '' is the host of a
      -- store only one host uses (SQLite in dataDir): its rows keep working as they were.
      CREATE TABLE profile_state_by_host (
        host                 TEXT NOT NULL DEFAULT '',
        name                 TEXT NOT NULL,
        verified_at          INTEGER,
        verified_fingerprint TEXT,
        paused_until         INTEGER,
        pause_reason         TEXT,
        PRIMARY KEY (host, name)
      );
      INSERT INTO profile_state_by_host (name, verified_at, verified_fingerprint, paused_until, pause_reason)
        SELECT name, verified_at, verified_fingerprint, paused_until, pause_reason FROM profile_state;
      DROP TABLE profile_state;
      ALTER TABLE profile_state_by_host RENAME TO profile_state;

      CREATE TABLE schedule_state_by_host (
        host         TEXT NOT NULL DEFAULT '',
        set_name     TEXT NOT NULL,
        schedule     TEXT NOT NULL,
        last_due_at  INTEGER NOT NULL,
        PRIMARY KEY (host, set_name)
      );
      INSERT INTO schedule_state_by_host (set_name, schedule, last_due_at) SELECT set_name, schedule, last_due_at FROM schedule_state;
      DROP TABLE schedule_state;
      ALTER TABLE schedule_state_by_host RENAME TO schedule_state;

      CREATE TABLE notify_state_by_host (
        host          TEXT NOT NULL DEFAULT '',
        set_name      TEXT NOT NULL,
        failures      INTEGER NOT NULL,
        failing_since INTEGER,
        signature     TEXT,
        alerted_at    INTEGER,
        last_status   TEXT,
        PRIMARY KEY (host, set_name)
      );
      INSERT INTO notify_state_by_host (set_name, failures, failing_since, signature, alerted_at, last_status)
        SELECT set_name, failures, failing_since, signature, alerted_at, last_status FROM notify_state;
      DROP TABLE notify_state;
      ALTER TABLE notify_state_by_host RENAME TO notify_state;

      CREATE TABLE alert_pauses_by_host (
        host     TEXT NOT NULL DEFAULT '',
        set_name TEXT NOT NULL,
        since    INTEGER NOT NULL,
        until    INTEGER,
        PRIMARY KEY (host, set_name)
      );
      INSERT INTO alert_pauses_by_host (set_name, since, until) SELECT set_name, since, until FROM alert_pauses;
      DROP TABLE alert_pauses;
      ALTER TABLE alert_pauses_by_host RENAME TO alert_pauses;
      ALTER TABLE alert_suppressions ADD COLUMN host TEXT NOT NULL DEFAULT '';

      CREATE TABLE vault_check_rotation_by_host (
        host        TEXT NOT NULL DEFAULT '',
        target      TEXT NOT NULL,
        slices      INTEGER NOT NULL,
        next_slice  INTEGER NOT NULL,
        updated_at  INTEGER NOT NULL,
        PRIMARY KEY (host, target)
      );
      INSERT INTO vault_check_rotation_by_host (target, slices, next_slice, updated_at) SELECT target, slices, next_slice, updated_at FROM vault_check_rotation;
      DROP TABLE vault_check_rotation;
      ALTER TABLE vault_check_rotation_by_host RENAME TO vault_check_rotation;

      ALTER TABLE storm_windows ADD COLUMN host TEXT NOT NULL DEFAULT '';
      DROP INDEX storm_windows_open;
      CREATE INDEX storm_windows_open ON storm_windows (host, ends_at) WHERE flushed_at IS NULL;
    `,
  },
  {
    version: 43,
    name: 'route suspensions per host',
    sql: `
      -- A route is a host's way to its relay: one host's failed probe of its "office" relay holds
      -- that host's messages, not those of another host whose "office" is another relay (42).
      CREATE TABLE route_suspensions_by_host (
        host    TEXT NOT NULL DEFAULT '',
        profile TEXT NOT NULL,
        since   INTEGER NOT NULL,
        until   INTEGER NOT NULL,
        reason  TEXT NOT NULL,
        PRIMARY KEY (host, profile)
      );
      INSERT INTO route_suspensions_by_host (profile, since, until, reason) SELECT profile, since, until, reason FROM route_suspensions;
      DROP TABLE route_suspensions;
      ALTER TABLE route_suspensions_by_host RENAME TO route_suspensions;
    `,
  },
  {
    version: 44,
    name: 'success samples per host',
    sql: `
      -- Nothing on SQLite: PostgreSQL's 44 is a covering index so that a host's success samples
      -- are read without a random heap read each from a table larger than shared_buffers (the
      -- fleet summary reads ~50,000). SQLite serves one host, whose summary reads them through
      -- activities_set (1) as before; another index would cost each activity insert (see
      -- docs/performance.md, "success samples: a covering index", for the measurement).
      SELECT 1;
    `,
  },
  {
    version: 45,
    name: 'attempt totals',
    sql: `
      -- vigil_delivery_attempts_total (/metrics) is a Prometheus counter: it must never go down,
      -- or rate() and increase() read a reset. It is the attempts the Outbox holds plus these
      -- totals, into which housekeeping folds the attempts of the messages it prunes, in the
      -- same transaction as the delete. host '' is an attempt that records none (no DEFAULT:
      -- vigil database migrate gives the migrating host's name to '' in columns that have one).
      CREATE TABLE attempt_totals (
        transport TEXT NOT NULL,
        outcome   TEXT NOT NULL,
        host      TEXT NOT NULL,
        count     INTEGER NOT NULL,
        PRIMARY KEY (transport, outcome, host)
      );
    `,
  },
  {
    version: 46,
    name: 'anomaly rules per host',
    sql: `
      -- Each host publishes its notification.anomalies with its sets (HostStore.register): the
      -- leader judges that host's runs in the fleet summary by it. NULL: a host registered by a
      -- version before this one, judged by the defaults until it registers again.
      ALTER TABLE hosts ADD COLUMN anomalies TEXT;
    `,
  },
  {
    version: 47,
    name: 'due messages per host',
    sql: `
      -- Nothing here: PostgreSQL's index for claims scoped to one host of a fleet. A SQLite store
      -- is one host's, whose claims take every message (no scope), and an index more would be
      -- written on every enqueue and claim of the single-host Outbox for nothing.
      SELECT 1;
    `,
  },
  {
    version: 48,
    name: 'spool write-backs',
    sql: `
      -- The host's own state a spool kept (src/app/spool-write-back.ts) goes back into PostgreSQL
      -- in three steps: a snapshot of it in the spool (spool_write_backs_pending, under a token),
      -- the copy into PostgreSQL with the token in spool_write_backs (one transaction), then the
      -- spool forgets what it snapshotted and did not change since. A process killed between them
      -- finds the token (copied: only forget) or not (copy again): nothing lost, nothing copied
      -- twice over a newer state. Both stores get both tables, one migration history: the spool
      -- (SQLite) uses the first only, PostgreSQL the second only; the unused one stays empty.
      CREATE TABLE spool_write_backs_pending (
        seq       INTEGER PRIMARY KEY AUTOINCREMENT,
        token     TEXT NOT NULL,
        tbl       TEXT NOT NULL,
        row_json  TEXT NOT NULL
      );
      CREATE INDEX spool_write_backs_pending_token ON spool_write_backs_pending (token, seq);
      CREATE TABLE spool_write_backs (
        token       TEXT PRIMARY KEY,
        host        TEXT NOT NULL,
        written_at  INTEGER NOT NULL
      );
    `,
  },
  {
    version: 49,
    name: 'alert pauses changed at',
    sql: `
      -- When a pause was last set, extended or ended (as its writer's clock read it). Copying a
      -- spool's pause into the database (src/app/spool-write-back.ts) changes a pause there only
      -- if the spool's is as new or newer: one set in the database after the spool's — \`vigil
      -- pause\` run against it once it was back — stays. Existing pauses: their start, the last
      -- change known of them.
      ALTER TABLE alert_pauses ADD COLUMN changed_at INTEGER NOT NULL DEFAULT 0;
      UPDATE alert_pauses SET changed_at = since;
    `,
  },
];
