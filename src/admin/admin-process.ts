import type { VigilConfig } from '../config/schema/index.js';
import { activeProfileName } from '../config/semantic-checks.js';
import type { ActivityTrigger, FinalStatus } from '../domain/activity.js';
import type { Clock } from '../domain/clock.js';
import type { EventSink } from '../domain/events.js';
import type { Logger } from '../domain/logger.js';
import { PRIORITY, type MessageRequest } from '../domain/message.js';
import { resolveRecipients } from '../domain/recipients.js';
import { buildSummary, type Summary } from '../domain/summary-build.js';
import type { CredentialWarning, HousekeepingReport, SummaryKind, SummaryPeriod } from '../domain/summary.js';
import type { Outbox } from '../outbox/outbox.js';
import type { Store } from '../storage/ports.js';
import type { Housekeeper } from './housekeeping.js';
import { renderSummaryHtml } from './render-html.js';
import { renderSummaryText } from './render-text.js';
import { collectSummaryInput } from './summary-source.js';

/** A run left `running` this long is taken over: the process that claimed it died mid-run. */
const STALE_CLAIM_MS = 3_600_000;

export interface AdminProcessDeps {
  config: VigilConfig;
  store: Store;
  outbox: Pick<Outbox, 'enqueueMany'>;
  events: EventSink;
  clock: Clock;
  log: Logger;
  host: string;
  owner: { host: string; pid: number };
  housekeeper: Housekeeper;
  credentials?: (now: number) => CredentialWarning[];
}

export interface RenderedSummary {
  summary: Summary;
  text: string;
  html: string;
}

export type AdminOutcome =
  | { result: 'sent'; key: string; activityId: number; outboxIds: string[]; rendered: RenderedSummary }
  | { result: 'already-done'; key: string }
  | { result: 'failed'; key: string; activityId: number | null; error: string };

/**
 * One Daily or Weekly Admin process: housekeeping, then the summary, built from the activity log
 * and enqueued to the admins — sent even when all is well, because a missing summary is itself
 * the signal. It only reads what backups wrote, so it never waits for a running backup.
 * Recorded as an activity of kind `admin`; a failure emits `admin.failed` (critical).
 */
export class AdminProcess {
  constructor(private readonly deps: AdminProcessDeps) {}

  /** Builds and renders the summary of `period` without sending or recording anything. */
  async preview(period: SummaryPeriod, housekeeping?: HousekeepingReport): Promise<RenderedSummary> {
    const input = await collectSummaryInput(this.deps, period, this.deps.clock.now(), housekeeping);
    const summary = buildSummary(input);
    const zone = this.deps.config.admin.timezone;
    return { summary, text: renderSummaryText(summary, zone), html: renderSummaryHtml(summary, zone) };
  }

  /**
   * Runs the process for `period`. Scheduled runs claim the period's key first: a key already
   * sent (or failed) is never run again, whichever process or restart asks. Manual runs
   * (`vigil admin daily`) are not keyed: a person asking gets a summary.
   */
  async run(period: SummaryPeriod, trigger: ActivityTrigger, signal: AbortSignal = new AbortController().signal): Promise<AdminOutcome> {
    const { store, clock, log } = this.deps;
    const keyed = trigger !== 'manual';
    const startedAt = clock.now();
    const ownerTag = `${this.deps.owner.host}:${this.deps.owner.pid}`;
    if (keyed && !(await store.adminRuns.claim({ key: period.key, kind: period.kind, dueAt: period.end, startedAt, owner: ownerTag }, startedAt - STALE_CLAIM_MS))) {
      return { result: 'already-done', key: period.key };
    }
    let activityId: number | null = null;
    const notes: Array<{ severity: 'info' | 'warning' | 'error'; message: string; path: null }> = [];
    try {
      activityId = await store.activity.start({ kind: 'admin', set: null, engine: null, trigger, startedAt, owner: this.deps.owner });
      const housekeeping = await this.housekeeping(period.kind, signal, notes);
      const rendered = await this.preview(period, housekeeping);
      for (const m of rendered.summary.missing) notes.push({ severity: 'error', message: `the summary went out without ${m.part}: ${m.error}`, path: null });
      const request = this.request(period, rendered, keyed, notes);
      const [queued] = await this.deps.outbox.enqueueMany([request]);
      const outboxIds = [queued!.duplicateOf ?? queued!.id];
      notes.push({ severity: 'info', message: `${period.kind} summary for ${period.key} enqueued to ${request.to.join(', ')} (Outbox ${outboxIds[0]}): ${rendered.summary.subject}`, path: null });
      const status: FinalStatus = notes.some((n) => n.severity === 'error') ? 'completed-with-errors' : notes.some((n) => n.severity === 'warning') ? 'completed-with-warnings' : 'completed';
      await this.end(activityId, status, notes);
      if (keyed) await store.adminRuns.finish(period.key, { state: 'sent', endedAt: clock.now(), activityId, outboxIds, error: null });
      log.info(`${period.kind} Admin ${period.key}: summary enqueued (${rendered.summary.subject})`);
      return { result: 'sent', key: period.key, activityId, outboxIds, rendered };
    } catch (error) {
      const message = (error as Error).message;
      log.error(`${period.kind} Admin ${period.key} failed: ${message}`);
      notes.push({ severity: 'error', message: `the ${period.kind} Admin process failed: ${message}`, path: null });
      // Recording the failure may itself fail (the store is what broke): the event still goes out.
      if (activityId !== null) await this.end(activityId, 'failed', notes).catch(() => undefined);
      if (keyed) await store.adminRuns.finish(period.key, { state: 'failed', endedAt: clock.now(), activityId, outboxIds: [], error: message }).catch(() => undefined);
      this.deps.events.emit({ kind: 'admin.failed', process: period.kind, periodKey: period.key, activityId, error: message, at: clock.now() });
      return { result: 'failed', key: period.key, activityId, error: message };
    }
  }

  /** Retention always; vault checks weekly. A housekeeping problem is noted, never fatal to the summary. */
  private async housekeeping(kind: SummaryKind, signal: AbortSignal, notes: Array<{ severity: 'info' | 'warning' | 'error'; message: string; path: null }>): Promise<HousekeepingReport | undefined> {
    const report: HousekeepingReport = { prunedActivities: 0, prunedMessages: 0, checks: [] };
    try {
      const pruned = await this.deps.housekeeper.prune();
      report.prunedActivities = pruned.activities;
      report.prunedMessages = pruned.messages;
      notes.push({ severity: 'info', message: `pruned ${pruned.activities} activities and ${pruned.messages} Outbox messages older than the retention`, path: null });
    } catch (error) {
      notes.push({ severity: 'error', message: `pruning failed: ${(error as Error).message}`, path: null });
    }
    if (kind !== 'weekly') return undefined;
    try {
      report.checks = await this.deps.housekeeper.checkVaults(signal);
      for (const c of report.checks) {
        if (c.status !== 'completed') notes.push({ severity: 'warning', message: `${c.what} of ${c.set}: ${c.status}${c.activityId !== null ? ` (activity ${c.activityId})` : ''}${c.note ? `: ${c.note}` : ''}`, path: null });
      }
    } catch (error) {
      notes.push({ severity: 'error', message: `vault checks failed: ${(error as Error).message}`, path: null });
    }
    return report;
  }

  private request(period: SummaryPeriod, rendered: RenderedSummary, keyed: boolean, notes: Array<{ severity: 'info' | 'warning' | 'error'; message: string; path: null }>): MessageRequest {
    const { config, log } = this.deps;
    const profileName = activeProfileName(config);
    const profile = profileName ? config.profiles[profileName] : undefined;
    if (!profileName || !profile) throw new Error('no mail profile to send the summary with: set mail.profile in vigil.yaml');
    const wanted = config.admin.to ?? config.notification.admins;
    const { addresses, unknown } = resolveRecipients(wanted, profile.addressBook ?? {});
    for (const name of unknown) {
      log.warn(`summary recipient "${name}" is not in the address book of profile ${profileName}`);
      notes.push({ severity: 'warning', message: `summary recipient "${name}" is not in the address book of profile ${profileName}`, path: null });
    }
    if (addresses.length === 0) throw new Error(`the summary has no recipient: set admin.to or notification.admins (groups of profile ${profileName}'s addressBook, or addresses)`);
    const host = this.deps.host.toLowerCase().replace(/[^a-z0-9.-]/g, '-');
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

  private async end(id: number, status: FinalStatus, notes: Array<{ severity: 'info' | 'warning' | 'error'; message: string; path: null }>): Promise<void> {
    const errors = notes.filter((n) => n.severity === 'error').length;
    const warnings = notes.filter((n) => n.severity === 'warning').length;
    await this.deps.store.activity.finish(id, { status, endedAt: this.deps.clock.now(), counters: { files: 0, bytesScanned: 0, bytesNew: 0, errors, warnings }, log: notes, logDropped: 0 });
  }
}
