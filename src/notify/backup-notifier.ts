import type { VigilConfig } from '../config/schema/index.js';
import { backupEventOf, type BackupEvent } from '../domain/events.js';
import { formatDuration } from '../config/duration.js';
import type { Logger } from '../domain/logger.js';
import { PRIORITY, type MessageRequest } from '../domain/message.js';
import type { Outbox } from '../outbox/outbox.js';
import type { ActivityStore } from '../storage/ports/activity-store.js';
import type { ClaimOwner, NotifyStateStore } from '../storage/ports/notify-state-store.js';
import type { OutboxStore } from '../storage/ports/outbox-store.js';
import type { Clock } from '../domain/clock.js';
import type { StreakState } from '../domain/streak-state.js';
import { composeMessage, composePager, templateVars, type ComposeInput } from './compose.js';
import { notificationHeaders } from './headers.js';
import { excerptIsCut, fullLogAttachment } from './log-attachment.js';
import { effectiveRule, isCritical, severityOf, SUCCESS_STATUSES, type EffectiveRule } from './rules.js';
import { decide, emptyStreak } from './streak.js';
import type { TemplateVars } from './template.js';
import { withShippedFallback, type PagerName, type TemplateFiles, type TripletName } from './template-files.js';
import type { StormControl } from './storm.js';
import type { AlertGate } from './alert-gate.js';
import { backupChannelContent } from './channel-content.js';
import { channelRequests } from './channel-requests.js';
import { notYetQueued } from './not-yet-queued.js';
import { notifyTargets, reachesAnyone } from './targets.js';

export interface BackupNotifierDeps {
  config: VigilConfig;
  outbox: Pick<Outbox, 'enqueueMany'>;
  state: NotifyStateStore;
  activity: Pick<ActivityStore, 'get' | 'log'>;
  templates: TemplateFiles;
  log: Logger;
  host: string;
  clock: Clock;
  /** To recognise, after a crash, messages already enqueued for a run. */
  messages: Pick<OutboxStore, 'list'>;
  /** Storm control: critical alerts arriving together become one grouped message. */
  storm?: Pick<StormControl, 'admit'>;
  /** Maintenance mode: a paused set's alerts are recorded as suppressed instead of sent. */
  gate?: Pick<AlertGate, 'suppress'>;
  /** This process, as it claims the runs it notifies (another process may be notifying too). */
  owner: ClaimOwner;
  /** Whether a claimer is still running; a dead one's claims are taken over. */
  isAlive: (owner: ClaimOwner) => boolean;
}

// A claim older than this is taken over even when its owner looks alive (its pid reused, or a
// claimer on another host): notifying one run takes seconds, so this only ever delays a stuck one.
export const CLAIM_LEASE_MS = 15 * 60_000;

/**
 * The I/O around src/notify's pure decisions: for each finished run, load the set's streak,
 * decide (streak.ts), render (compose.ts) and enqueue. Runs as an event-bus subscriber, so it
 * never blocks or fails a backup; what goes wrong is thrown to the bus, which logs it.
 * Events of one set are handled one at a time (the streak is read-modify-write).
 */
export class BackupNotifier {
  private readonly chains = new Map<string, Promise<void>>();

  constructor(private readonly deps: BackupNotifierDeps) {}

  /**
   * `recovering`: the event is rebuilt from the activity log after a crash (Notifications.recover);
   * `keys` are the dedupe keys a crashed attempt recorded before its enqueue, if it got that far.
   * Resolves false when the run was already notified or another live process is notifying it.
   */
  handle(event: BackupEvent, recovering?: { keys: string[] | null }): Promise<boolean> {
    const run = (this.chains.get(event.set) ?? Promise.resolve()).then(() => this.process(event, recovering));
    const chain = run.then(
      () => undefined,
      () => undefined,
    );
    this.chains.set(event.set, chain);
    void chain.then(() => {
      if (this.chains.get(event.set) === chain) this.chains.delete(event.set);
    });
    return run;
  }

  /**
   * Crash safety: the ledger records the dedupe keys before the enqueue (begin) and, after it,
   * saves the streak and marks the activity notified in one transaction (commit). A run whose
   * event was lost is found unnotified at the next start; a crash between enqueue and commit is
   * recognised by its keys, so the alert is neither lost nor sent twice.
   */
  private async process(event: BackupEvent, recovering?: { keys: string[] | null }): Promise<boolean> {
    const { config, log } = this.deps;
    const n = config.notification;
    const ledger = this.deps.state;
    if (event.status === 'missed' && event.catchUpFollows && n.stormWindow > 0) {
      // Left unnotified in the ledger, so it is not lost: the catch-up run's own event takes it
      // in (one message), or Notifications.recover alerts it once the window has passed.
      log.info(`backup ${event.set} missed (activity ${event.activityId}): its alert waits up to ${formatDuration(n.stormWindow)} for the catch-up run`);
      return false;
    }
    // Already handled, or being handled by another live process (vigil run and the service's
    // recovery may both reach a run): the claim lets exactly one of them notify it.
    if (!(await ledger.claim(event.activityId, this.deps.owner, this.deps.clock.now(), CLAIM_LEASE_MS, this.deps.isAlive))) return false;
    const done = async (next: StreakState | undefined) => {
      await ledger.commit(event.activityId, next, event.at);
      return true;
    };
    const rule = effectiveRule(config.sets[event.set]?.notify, n.defaults, n.pager);
    let state = (await this.deps.state.get(event.set)) ?? emptyStreak(event.set);
    // A missed window waiting for this run: a success folds it into this run's message.
    const joined = await this.takeWaitingMissed(event, state, rule);
    if (joined) state = joined.state;
    const decision = decide(state, { status: event.status, firstError: event.firstError, at: event.at }, rule, n.remindEvery);
    if (decision.action === 'none') return done(decision.next !== state ? decision.next : undefined);
    // Paused: nothing is sent, and the streak is left as it was, so the first failure after
    // `vigil resume` (or the pause's end) alerts as a first failure would.
    if (this.deps.gate && (await this.deps.gate.suppress(event.set, `backup ${event.set} ${decision.action === 'recovery' ? 'recovered' : event.status} (activity ${event.activityId})`))) return done(undefined);
    const recovery = decision.action === 'recovery';
    const critical = recovery ? isCritical((decision.ended?.lastStatus ?? 'completed') as BackupEvent['status']) : isCritical(event.status);
    if (decision.action === 'alert' && critical && this.deps.storm) {
      const failure = { set: event.set, status: event.status, firstError: event.firstError, activityId: event.activityId, endedAt: event.endedAt };
      if ((await this.deps.storm.admit(failure)) === 'held') {
        // Part of a storm: the window's grouped message tells it. The streak counts it alerted.
        return done(decision.next);
      }
    }
    const wanted = critical || recovery ? [...n.admins, ...rule.to] : rule.to.length ? rule.to : n.admins;
    // A recovery from a missed window nobody was paged for pages nobody.
    const pagerEntries = critical && decision.action !== 'reminder' && decision.action !== 'status' && !joined ? rule.pager : [];
    // Mail through the Mail Profile when there is one, channels either way (push only works).
    const targets = notifyTargets(config, { mail: wanted, pager: pagerEntries });
    const { channels } = targets;
    for (const why of targets.unreachable) log.warn(`notification recipient ${why}`, { set: event.set });
    if (!reachesAnyone(targets)) log.warn(`backup ${event.set} ${event.status}: nobody to notify (set notification.admins or the set's notify.to, with a Mail Profile or a channel)`, { set: event.set });

    const input: ComposeInput = {
      event,
      action: decision.action,
      rule,
      streak: recovery ? decision.ended! : decision.next,
      ...(await this.logFor(event, rule.detail === 'status' || recovery)),
      host: this.deps.host,
      ...(config.admin.timezone ? { timezone: config.admin.timezone } : {}),
      ...(joined?.reason ? { missedBefore: joined.reason } : {}),
    };
    const vars = templateVars(input);
    const severity = recovery ? 'info' : severityOf(event.status);
    const kind = recovery ? 'backup.recovered' : `backup.${event.status}`;
    const priority = critical && !recovery ? PRIORITY.critical : PRIORITY.normal;
    const headers = notificationHeaders(this.deps.host, { 'X-Vigil-Set': event.set }, priority === PRIORITY.critical);
    const base = targets.mailVia && { profile: targets.mailVia.profile, from: targets.mailVia.from, priority, headers };
    const key = `backup:${event.set}:${event.activityId}:${decision.action}`;

    const requests: MessageRequest[] = [];
    if (base && targets.mail.length) {
      const triplet: TripletName = recovery ? 'backup-recovery' : 'backup-alert';
      const composed = await this.withFallback(triplet, (overridesOnly) => this.composeTriplet(triplet, vars, recovery ? undefined : rule.subject, overridesOnly));
      const attach = excerptIsCut(input.log, input.logDropped, rule) ? [await fullLogAttachment(event, input.log, input.logDropped)] : [];
      requests.push({ ...base, kind, severity, dedupeKey: key, to: targets.mail, ...composed, ...(attach.length ? { attachments: attach } : {}) });
    }
    if (base && targets.pager.length) {
      const name: PagerName = recovery ? 'pager-recovery' : 'pager';
      const line = await this.withFallback(name, async (shippedOnly) => composePager(await this.deps.templates.pager(name, shippedOnly), vars));
      // Subject and body carry the same line: gateways keep one or the other.
      requests.push({ ...base, kind: `pager.${kind}`, severity, dedupeKey: `${key}:pager`, to: targets.pager, subject: line, text: line });
    }
    if (channels.length) {
      const title = requests.find((r) => r.kind === kind)?.subject ?? (await this.withFallback(recovery ? 'backup-recovery' : 'backup-alert', (o) => this.composeTriplet(recovery ? 'backup-recovery' : 'backup-alert', vars, recovery ? undefined : rule.subject, o))).subject;
      const line = await this.withFallback(recovery ? 'pager-recovery' : 'pager', async (o) => composePager(await this.deps.templates.pager(recovery ? 'pager-recovery' : 'pager', o), vars));
      const content = backupChannelContent(event, decision.action, { title, text: line, severity, host: this.deps.host, streak: input.streak.failures, at: this.deps.clock.now() });
      requests.push(...channelRequests(config, channels, content, { kind, severity, priority, dedupeKey: key }));
    }
    let toSend = requests;
    if (recovering?.keys) toSend = await notYetQueued(this.deps.messages, requests);
    if (toSend.length) {
      await ledger.begin(event.activityId, toSend.map((r) => r.dedupeKey ?? ''), this.deps.clock.now());
      await this.deps.outbox.enqueueMany(toSend);
    }
    return done(decision.next);
  }

  /**
   * The `missed` run of `event`'s set held for its catch-up (BackupEvent.catchUpFollows), still
   * unnotified and within the storm window. When this run succeeded, the missed run is marked
   * notified and the streak it would have started is returned, so this run's decision is the
   * recovery from it: one message. When this run did not succeed, the missed run is notified on
   * its own first (its alert, then this run's), and undefined is returned.
   */
  private async takeWaitingMissed(event: BackupEvent, state: StreakState, rule: EffectiveRule): Promise<{ state: StreakState; reason: string | null } | undefined> {
    const n = this.deps.config.notification;
    if (event.status === 'missed' || event.status === 'skipped' || n.stormWindow <= 0) return undefined;
    const now = this.deps.clock.now();
    let waiting: BackupEvent | undefined;
    for (const pending of await this.deps.state.unnotified(now - n.stormWindow)) {
      const activity = pending.activityId === event.activityId ? undefined : await this.deps.activity.get(pending.activityId);
      if (activity?.set === event.set && activity.status === 'missed' && activity.id < event.activityId) waiting = backupEventOf(activity, activity.endedAt ?? now);
    }
    if (!waiting) return undefined;
    if (!SUCCESS_STATUSES.includes(event.status as (typeof SUCCESS_STATUSES)[number])) {
      await this.process(waiting);
      return undefined;
    }
    if (!(await this.deps.state.claim(waiting.activityId, this.deps.owner, now, CLAIM_LEASE_MS, this.deps.isAlive))) return undefined;
    const missed = decide(state, { status: 'missed', firstError: waiting.firstError, at: waiting.at }, rule, n.remindEvery);
    await this.deps.state.commit(waiting.activityId, undefined, waiting.at);
    this.deps.log.info(`backup ${event.set} missed (activity ${waiting.activityId}) is told with the catch-up run (activity ${event.activityId})`);
    return missed.action === 'alert' ? { state: missed.next, reason: waiting.firstError } : undefined;
  }

  private async composeTriplet(name: TripletName, vars: TemplateVars, subject: string | undefined, shippedOnly: boolean) {
    return composeMessage(await this.deps.templates.triplet(name, shippedOnly), vars, subject);
  }

  private withFallback<T>(name: string, render: (shippedOnly: boolean) => Promise<T>): Promise<T> {
    return withShippedFallback(name, this.deps.log, render);
  }

  private async logFor(event: BackupEvent, skip: boolean): Promise<Pick<ComposeInput, 'log' | 'logDropped'>> {
    if (skip) return { log: [], logDropped: 0 };
    const [activity, log] = await Promise.all([this.deps.activity.get(event.activityId), this.deps.activity.log(event.activityId)]);
    return { log, logDropped: activity?.logDropped ?? 0 };
  }
}
