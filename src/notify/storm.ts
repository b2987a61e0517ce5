import type { VigilConfig } from '../config/schema/index.js';
import type { Clock } from '../domain/clock.js';
import type { FinalStatus } from '../domain/activity.js';
import type { Logger } from '../domain/logger.js';
import { PRIORITY, type MessageRequest } from '../domain/message.js';
import type { Outbox } from '../outbox/outbox.js';
import type { NotifyStateStore } from '../storage/ports/notify-state-store.js';
import type { OutboxStore } from '../storage/ports/outbox-store.js';
import type { HeldFailure, StormStore, StormWindow } from '../storage/ports/storm-store.js';
import { setLongTimeout, type LongTimer } from '../platform/long-timer.js';
import { notYetQueued } from './not-yet-queued.js';
import { composeMessage, composePager, formatDuration, formatTime as formatAt } from './compose.js';
import { notificationHeaders } from './headers.js';
import { effectiveRule } from './rules.js';
import { failureSignature } from './streak.js';
import type { TemplateVars } from './template.js';
import type { TemplateFiles } from './template-files.js';
import { channelRequests } from './channel-requests.js';
import { notifyTargets, reachesAnyone } from './targets.js';
import { stormChannelContent } from './channel-content.js';

export interface StormControlDeps {
  config: VigilConfig;
  store: StormStore;
  outbox: Pick<Outbox, 'enqueueMany'>;
  /** To recognise a group a crashed flush already enqueued (and perhaps delivered). */
  messages: Pick<OutboxStore, 'list'>;
  /** Each set's streak: a held set that has recovered since is not listed. */
  streaks: Pick<NotifyStateStore, 'get'>;
  templates: TemplateFiles;
  clock: Clock;
  log: Logger;
  host: string;
  /** A window whose group could not be queued (it stays unflushed and is tried again). */
  onFailed?: (window: StormWindow, error: unknown) => void;
}

/**
 * Storm control (issue 6 §5). "Alert within a second" and "not flooded" together: the first
 * critical alert opens a window (`notification.stormWindow`) and goes out at once; critical
 * failures arriving before the window ends are held — in the store, so a crash loses none — and
 * sent at its end as ONE message (and one pager line) listing every set, with the shared cause
 * when their first errors match. Windows are measured on the Clock; a timer only triggers the
 * check, so a fake clock drives it in tests and the service's tick catches up after a restart.
 */
export class StormControl {
  private timer: LongTimer | undefined;
  private flushing: Promise<number> = Promise.resolve(0);

  constructor(private readonly deps: StormControlDeps) {}

  get enabled(): boolean {
    return this.deps.config.notification.stormWindow > 0;
  }

  /** 'opened': send this alert now. 'held': it will be part of the window's grouped message. */
  async admit(failure: HeldFailure): Promise<'opened' | 'held'> {
    if (!this.enabled) return 'opened';
    const windowMs = this.deps.config.notification.stormWindow;
    const verdict = await this.deps.store.admit(failure, this.deps.clock.now(), windowMs);
    if (verdict === 'opened') this.wakeAfter(windowMs);
    return verdict;
  }

  /** Sends the grouped message of every window that has ended; returns how many were sent. */
  flushDue(): Promise<number> {
    const run = this.flushing.then(() => this.flush());
    this.flushing = run.catch(() => 0);
    return run;
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  private wakeAfter(ms: number): void {
    this.timer?.cancel();
    // notification.stormWindow may be longer than Node's timers allow.
    this.timer = setLongTimeout(() => {
      this.flushDue().catch((error: unknown) => this.deps.log.error('storm flush failed', { error: (error as Error).message }));
    }, ms + 50).unref();
  }

  private async flush(): Promise<number> {
    let sent = 0;
    for (const window of await this.deps.store.ended(this.deps.clock.now())) {
      // Enqueue first, then mark: a crash in between must not lose the group. The next flush
      // skips what is already in the Outbox under the window's dedupe keys in any state — the
      // Outbox itself only dedupes against pending messages, and the first copy may be sent.
      // Each window on its own: one that fails is reported, left unflushed for the next pass,
      // and never holds back the windows after it.
      try {
        if (window.held.length > 0 && (await this.send(window))) sent++;
        await this.deps.store.markFlushed(window.id, this.deps.clock.now());
      } catch (error) {
        this.deps.log.error(`storm window ${window.id}: the grouped message could not be queued`, { error: (error as Error).message });
        this.deps.onFailed?.(window, error);
      }
    }
    return sent;
  }

  private async send(window: StormWindow): Promise<boolean> {
    const { config, log } = this.deps;
    const n = config.notification;
    const all = await this.stillFailing(window);
    // Nothing held is left to tell: the first was alerted at once, the rest recovered since.
    if (!all.some((f) => f !== window.first)) return false;
    const rules = [...new Set(all.map((f) => f.set))].map((set) => effectiveRule(config.sets[set]?.notify, n.defaults, n.pager));
    // Mail through the Mail Profile when there is one, channels either way (push only works).
    const targets = notifyTargets(config, { mail: [...n.admins, ...rules.flatMap((r) => r.to)], pager: rules.flatMap((r) => r.pager) });
    if (!reachesAnyone(targets)) log.warn(`nobody to notify: ${all.length} grouped failures not sent (set notification.admins, with a Mail Profile or a channel)`);
    const vars = stormVars(this.deps.host, window, n.stormWindow, all, config.admin.timezone);
    const base = { priority: PRIORITY.critical, severity: 'critical' as const };
    const mailBase = targets.mailVia && { ...base, profile: targets.mailVia.profile, from: targets.mailVia.from, headers: notificationHeaders(this.deps.host, {}, true) };
    const requests: MessageRequest[] = [];
    if (mailBase && targets.mail.length) {
      requests.push({ ...mailBase, kind: 'backup.storm', dedupeKey: `storm:${window.id}`, to: targets.mail, ...composeMessage(await this.deps.templates.triplet('storm'), vars, undefined) });
    }
    if (mailBase && targets.pager.length) {
      const line = composePager(await this.deps.templates.pager('pager-storm'), vars);
      requests.push({ ...mailBase, kind: 'pager.backup.storm', dedupeKey: `storm:${window.id}:pager`, to: targets.pager, subject: line, text: line });
    }
    const { channels } = targets;
    if (channels.length) {
      const title = requests.find((r) => r.kind === 'backup.storm')?.subject ?? composeMessage(await this.deps.templates.triplet('storm'), vars, undefined).subject;
      const line = composePager(await this.deps.templates.pager('pager-storm'), vars);
      requests.push(...channelRequests(config, channels, stormChannelContent(this.deps.host, window, title, line), { ...base, kind: 'backup.storm', dedupeKey: `storm:${window.id}` }));
    }
    const fresh = await notYetQueued(this.deps.messages, requests);
    if (fresh.length) await this.deps.outbox.enqueueMany(fresh);
    return requests.length > 0;
  }

  /**
   * One entry per set, its latest (a set missed, then failed, in one window is listed once), in
   * order of first arrival; sets whose streak has ended since — their recovery notice is already
   * out — are left out, so the group never contradicts a notice sent before it.
   */
  private async stillFailing(window: StormWindow): Promise<HeldFailure[]> {
    const latest = new Map<string, HeldFailure>();
    for (const f of [window.first, ...window.held]) latest.set(f.set, f);
    const kept: HeldFailure[] = [];
    for (const [set, f] of latest) {
      const streak = await this.deps.streaks.get(set);
      if (streak && streak.failures > 0) kept.push(f);
    }
    return kept;
  }
}

/**
 * Variables of the storm templates (documented in docs/notifications.md). `listed`: the failures
 * to list, when not all of the window's (see stillFailing); `firstSet` is always the window's first.
 */
export function stormVars(host: string, window: Pick<StormWindow, 'first' | 'held'>, windowMs: number, listed?: readonly HeldFailure[], timezone?: string): TemplateVars {
  const formatTime = (ms: number) => formatAt(ms, timezone);
  const all: readonly HeldFailure[] = listed ?? [window.first, ...window.held];
  const signatures = new Set(all.map((f) => failureSignature('failed', f.firstError)));
  const cause = signatures.size === 1 ? (all[0]!.firstError ?? '') : '';
  const width = Math.max(...all.map((f) => f.set.length));
  const statusWidth = Math.max(...all.map((f) => f.status.length));
  const list = all
    .map((f) => `${f.set.padEnd(width)}  ${f.status.padEnd(statusWidth)}  ${formatTime(f.endedAt)}  ${f.firstError ?? ''}${f === window.first ? '  (alerted at once)' : ''}`.trimEnd())
    .join('\n');
  const ends = all.map((f) => f.endedAt);
  return {
    host,
    count: all.length,
    statuses: [...new Set(all.map((f) => f.status as FinalStatus))].join('/'),
    cause,
    sets: all.map((f) => f.set).join(', '),
    firstSet: window.first.set,
    from: formatTime(Math.min(...ends)),
    until: formatTime(Math.max(...ends)),
    window: formatDuration(windowMs),
    list,
  };
}
