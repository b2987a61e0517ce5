import type { VigilConfig } from '../config/schema/index.js';
import { activeProfile } from '../config/semantic-checks.js';
import { listIdHost } from '../notify/headers.js';
import type { ActivityTrigger, FinalStatus } from '../domain/activity.js';
import type { Clock } from '../domain/clock.js';
import { isVigilError, VigilError } from '../domain/errors.js';
import type { EventSink } from '../domain/events.js';
import type { Logger } from '../domain/logger.js';
import { PRIORITY, type MessageRequest } from '../domain/message.js';
import { resolveRecipients } from '../domain/recipients.js';
import { buildSummary, type Summary } from '../domain/summary-build.js';
import { summaryAnomalyThresholds } from '../domain/anomalies.js';
import type { CredentialWarning, HousekeepingReport, MissingPart, SummaryKind, SummaryPeriod } from '../domain/summary.js';
import type { Outbox } from '../outbox/outbox.js';
import type { Store } from '../storage/ports/store.js';
import type { Housekeeper } from './housekeeping.js';
import { startActivity, type RunningActivity } from '../backup/recorded-activity.js';
import { adminRetryAt } from './period.js';
import { renderSummaryHtml } from './render-html.js';
import { renderSummaryText } from './render-text.js';
import { collectSummaryInput } from './summary-source.js';

/** A run left `running` this long is taken over: the process that claimed it died mid-run. */
const STALE_CLAIM_MS = 3_600_000;

/** What a summary maker hands the process: the model's headline facts, and the two parts. */
export interface RenderedAny {
  summary: { subject: string; healthy: boolean; missing: readonly MissingPart[] };
  text: string;
  html: string;
}

export interface AdminProcessDeps<R extends RenderedAny = RenderedSummary> {
  config: VigilConfig;
  store: Store;
  outbox: Pick<Outbox, 'enqueueMany'>;
  events: EventSink;
  clock: Clock;
  log: Logger;
  host: string;
  owner: { host: string; pid: number };
  /** Pruning, and the weekly vault checks (an interface, so tests can give a slow or failing one). */
  housekeeper: Pick<Housekeeper, 'prune' | 'checkVaults'>;
  credentials?: (now: number) => CredentialWarning[];
  /** What an engine's repository check is called in the summary (e.g. `restic check`). */
  checkName?: (engine: string | null) => string;
  /**
   * Makes the summary of a period (default: this host's, from its activity log). A fleet's leader
   * gives the fleet summary instead (src/admin/fleet-summary-source.ts).
   */
  render?: (period: SummaryPeriod, now: number, housekeeping?: HousekeepingReport) => Promise<R>;
  /**
   * A `running` claim that started before this is taken over (its process died mid-run). Default:
   * an hour ago. A fleet's leader also takes over claims made before its tenure: their leader lost
   * the lease, so it is dead or fenced off.
   */
  staleClaimBefore?: (now: number) => number;
}

export interface RenderedSummary {
  summary: Summary;
  text: string;
  html: string;
}

export type AdminOutcome<R extends RenderedAny = RenderedSummary> =
  | { result: 'sent'; key: string; activityId: number; outboxIds: string[]; rendered: R }
  | { result: 'already-done'; key: string }
  /** The period failed earlier and is tried again at `retryAt` (persisted: a restart keeps the plan). */
  | { result: 'retry-pending'; key: string; retryAt: number }
  /** `retryAt` null: given up (retries spent, past the catch-up window, or a configuration error). */
  | { result: 'failed'; key: string; activityId: number | null; error: string; retryAt: number | null };

/**
 * One Daily or Weekly Admin process: pruning, then the summary, built from the activity log
 * and enqueued to the admins — sent even when all is well, because a missing summary is itself
 * the signal. It only reads what backups wrote, so it never waits for a running backup; the
 * weekly vault checks are a separate step (`checkVaults`) run after the summary. Recorded as an
 * activity of kind `admin`; a failed period is retried (ADMIN_RETRY_DELAYS_MS), and when it is
 * given up that emits `admin.failed` (critical).
 */
export class AdminProcess<R extends RenderedAny = RenderedSummary> {
  constructor(private readonly deps: AdminProcessDeps<R>) {}

  /** Builds and renders the summary of `period` without sending or recording anything. */
  async preview(period: SummaryPeriod, housekeeping?: HousekeepingReport): Promise<RenderedSummary> {
    const input = await collectSummaryInput(this.deps, period, this.deps.clock.now(), housekeeping);
    const summary = buildSummary(input, summaryAnomalyThresholds(this.deps.config.notification.anomalies));
    const zone = this.deps.config.admin.timezone;
    return { summary, text: renderSummaryText(summary, zone), html: renderSummaryHtml(summary, zone) };
  }

  /** The summary this process sends (the configured maker's, or this host's), without sending or recording it. */
  summarize(period: SummaryPeriod, housekeeping?: HousekeepingReport): Promise<R> {
    if (this.deps.render) return this.deps.render(period, this.deps.clock.now(), housekeeping);
    return this.preview(period, housekeeping) as Promise<RenderedAny> as Promise<R>;
  }

  /**
   * Runs the process for `period`. Scheduled runs claim the period's key first: a key already
   * sent is never run again, whichever process or restart asks; a failed one only when its
   * planned retry has come. Manual runs (`vigil admin daily`) are not keyed: a person asking
   * gets a summary. Never throws.
   */
  async run(period: SummaryPeriod, trigger: ActivityTrigger): Promise<AdminOutcome<R>> {
    const { store, clock, log } = this.deps;
    const keyed = trigger !== 'manual';
    const startedAt = clock.now();
    const ownerTag = `${this.deps.owner.host}:${this.deps.owner.pid}`;
    if (keyed && !(await store.adminRuns.claim({ key: period.key, kind: period.kind, dueAt: period.end, startedAt, owner: ownerTag }, this.deps.staleClaimBefore?.(startedAt) ?? startedAt - STALE_CLAIM_MS))) {
      const earlier = await store.adminRuns.get(period.key);
      if (earlier?.state === 'failed' && earlier.retryAt !== null) return { result: 'retry-pending', key: period.key, retryAt: earlier.retryAt };
      return { result: 'already-done', key: period.key };
    }
    let running: RunningActivity | undefined;
    const notes: Array<{ severity: 'info' | 'warning' | 'error'; message: string; path: null }> = [];
    try {
      running = await startActivity({ activity: store.activity, clock, owner: this.deps.owner }, { kind: 'admin', set: null, engine: null, trigger, startedAt });
      const activityId = running.id;
      const housekeeping = await this.housekeeping(period.kind, notes);
      const rendered = await this.summarize(period, housekeeping);
      for (const m of rendered.summary.missing) notes.push({ severity: 'error', message: `the summary went out without ${m.part}: ${m.error}`, path: null });
      const request = this.request(period, rendered, keyed, notes);
      const [queued] = await this.deps.outbox.enqueueMany([request]);
      const outboxIds = [queued!.duplicateOf ?? queued!.id];
      notes.push({ severity: 'info', message: `${period.kind} summary for ${period.key} enqueued to ${request.to.join(', ')} (Outbox ${outboxIds[0]}): ${rendered.summary.subject}`, path: null });
      const status: FinalStatus = notes.some((n) => n.severity === 'error') ? 'completed-with-errors' : notes.some((n) => n.severity === 'warning') ? 'completed-with-warnings' : 'completed';
      await running.finish({ status, log: notes });
      if (keyed) await store.adminRuns.finish(period.key, { state: 'sent', endedAt: clock.now(), activityId, outboxIds, error: null });
      log.info(`${period.kind} Admin ${period.key}: summary enqueued (${rendered.summary.subject})`);
      return { result: 'sent', key: period.key, activityId, outboxIds, rendered };
    } catch (error) {
      const message = (error as Error).message;
      const retryAt = keyed ? await this.retryAt(period, error) : null;
      const later = retryAt === null ? '' : `; tried again at ${new Date(retryAt).toISOString()}`;
      log.error(`${period.kind} Admin ${period.key} failed: ${message}${later}`);
      notes.push({ severity: 'error', message: `the ${period.kind} Admin process failed: ${message}${later}`, path: null });
      // Recording the failure may itself fail (the store is what broke): the event still goes out.
      const activityId = running?.id ?? null;
      if (running) await running.finish({ status: 'failed', log: notes }).catch(() => undefined);
      if (keyed) await store.adminRuns.finish(period.key, { state: 'failed', endedAt: clock.now(), activityId, outboxIds: [], error: message, retryAt }).catch(() => undefined);
      // Critical only once the period is given up: a retry that succeeds five minutes later is not worth waking anyone.
      if (retryAt === null) this.deps.events.emit({ kind: 'admin.failed', process: period.kind, periodKey: period.key, activityId, error: message, at: clock.now() });
      return { result: 'failed', key: period.key, activityId, error: message, retryAt };
    }
  }

  /**
   * The Weekly Admin's vault checks, run after its summary is enqueued and off the summaries'
   * queue (AdminScheduler): a restic check of a large repository takes hours, and no summary may
   * wait for it. Each check is a `validation` activity; the next weekly summary lists them.
   * Never throws.
   */
  async checkVaults(signal: AbortSignal): Promise<HousekeepingReport['checks']> {
    try {
      const checks = await this.deps.housekeeper.checkVaults(signal);
      const bad = checks.filter((c) => c.status !== 'completed');
      this.deps.log.info(`vault checks: ${checks.length - bad.length} of ${checks.length} completed${bad.length ? `; ${bad.map((c) => `${c.set}: ${c.status}`).join(', ')}` : ''}`);
      return checks;
    } catch (error) {
      this.deps.log.error(`vault checks failed: ${(error as Error).message}`);
      return [];
    }
  }

  /** When a failed period is tried again; a configuration error (no profile, no recipient) is not retried. */
  private async retryAt(period: SummaryPeriod, error: unknown): Promise<number | null> {
    if (isVigilError(error) && error.code === 'ERR_CONFIG_INVALID') return null;
    // The store may be what failed: then assume the first attempt (the plan is bounded either way).
    const attempts = (await this.deps.store.adminRuns.get(period.key).catch(() => undefined))?.attempts ?? 1;
    return adminRetryAt(attempts, this.deps.clock.now(), period.end, this.deps.config.admin.catchUpWindow);
  }

  /** Retention, both processes. A pruning problem is noted, never fatal to the summary. */
  private async housekeeping(kind: SummaryKind, notes: Array<{ severity: 'info' | 'warning' | 'error'; message: string; path: null }>): Promise<HousekeepingReport | undefined> {
    const report: HousekeepingReport = { prunedActivities: 0, prunedMessages: 0, checks: [] };
    try {
      const pruned = await this.deps.housekeeper.prune();
      report.prunedActivities = pruned.activities;
      report.prunedMessages = pruned.messages;
      notes.push({ severity: 'info', message: `pruned ${pruned.activities} activities and ${pruned.messages} Outbox messages older than the retention`, path: null });
    } catch (error) {
      notes.push({ severity: 'error', message: `pruning failed: ${(error as Error).message}`, path: null });
    }
    // The weekly summary shows it, with the vault checks of the week read from the activity log.
    return kind === 'weekly' ? report : undefined;
  }

  private request(period: SummaryPeriod, rendered: R, keyed: boolean, notes: Array<{ severity: 'info' | 'warning' | 'error'; message: string; path: null }>): MessageRequest {
    const { config, log } = this.deps;
    const active = activeProfile(config);
    // Configuration errors: retrying cannot help (ERR_CONFIG_INVALID is never retried).
    if (!active) throw new VigilError('ERR_CONFIG_INVALID', 'summaries are sent by e-mail only and need a Mail Profile: none is configured (define one under profiles: in vigil.yaml, and mail.profile when there are several); alerts still go to the channels');
    const { name: profileName, profile } = active;
    const wanted = config.admin.to ?? config.notification.admins;
    const { addresses, unknown } = resolveRecipients(wanted, profile.addressBook ?? {});
    // Channels are recipients of alerts, not of summaries (e-mail only): skipped, not warned about.
    for (const name of unknown.filter((n) => config.channels[n] === undefined)) {
      log.warn(`summary recipient "${name}" is not in the address book of profile ${profileName}`);
      notes.push({ severity: 'warning', message: `summary recipient "${name}" is not in the address book of profile ${profileName}`, path: null });
    }
    if (addresses.length === 0) throw new VigilError('ERR_CONFIG_INVALID', `the summary has no recipient: set admin.to or notification.admins (groups of profile ${profileName}'s addressBook, or addresses)`);
    const host = listIdHost(this.deps.host);
    return {
      kind: `summary.${period.kind}`,
      severity: rendered.summary.healthy ? 'info' : 'warning',
      priority: PRIORITY.normal,
      profile: profileName,
      // The Outbox refuses a second pending message for the same period, a second guard after the claim.
      ...(keyed ? { dedupeKey: `admin:${period.key}` } : {}),
      from: profile.from,
      to: addresses,
      subject: rendered.summary.subject,
      text: rendered.text,
      html: rendered.html,
      headers: { 'List-Id': `Vigil summaries <summary.${host}>`, 'X-Vigil-Period': period.key },
    };
  }
}
