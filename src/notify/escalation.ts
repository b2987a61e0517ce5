import type { VigilConfig } from '../config/schema/index.js';
import { activeProfileName } from '../config/semantic-checks.js';
import type { Clock } from '../domain/clock.js';
import type { Logger } from '../domain/logger.js';
import { PENDING_STATES, PRIORITY, type StoredMessage } from '../domain/message.js';
import { resolveRecipients } from '../domain/recipients.js';
import type { SystemLog } from '../domain/system-log.js';
import type { Outbox } from '../outbox/outbox.js';
import type { Escalation, EscalationStore } from '../storage/ports/escalation-store.js';
import type { HandOffStore } from '../storage/ports/hand-off-store.js';
import type { OutboxStore } from '../storage/ports/outbox-store.js';
import type { ProfileStateStore } from '../storage/ports/profile-state-store.js';
import { composePager, formatDuration, formatTime } from './compose.js';
import { notificationHeaders } from './headers.js';
import type { TemplateFiles } from './template-files.js';
import { channelProfile } from '../domain/channel.js';
import { channelRequests, channelsNamed } from './channel-requests.js';
import { escalationChannelContent } from './channel-content.js';

export interface EscalatorDeps {
  config: VigilConfig;
  messages: Pick<OutboxStore, 'get' | 'list'>;
  profiles: Pick<ProfileStateStore, 'get'>;
  escalations: Pick<EscalationStore, 'record'>;
  /** Messages handed to a spooling mail program and not yet seen leaving its queue. */
  localQueue?: Pick<HandOffStore, 'watched'>;
  /** The plain Outbox: the escalation's own pager message is never prefaced. */
  outbox: Pick<Outbox, 'enqueueMany'>;
  systemLog: SystemLog;
  templates: TemplateFiles;
  clock: Clock;
  log: Logger;
  host: string;
}

// Pending critical messages looked at in one check; more than this undelivered at once is one
// storm anyway. Only critical ones are listed: a backlog of ordinary mail must not hide them.
const SCAN_LIMIT = 500;
const CRITICAL_ONLY = { maxPriority: PRIORITY.critical } as const;

/**
 * Escalation when mail itself fails (issue 6 §6). A critical message (priority critical) that
 * failed for good, whose profile was paused for its credentials, or that is still undelivered
 * after `notification.escalateAfter` is escalated once: recorded (so the next delivered
 * notification says so, and the Daily Admin lists it), written to the system log, and reported
 * to the pager recipients — through another profile when there is one.
 * The escalation's own messages (kind `escalation.*`) never escalate: no loops.
 */
export class Escalator {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: EscalatorDeps) {}

  /** A message ended failed or expired (delivery.failed). */
  onFailed(messageId: string, reason: string): Promise<Escalation[]> {
    return this.serial(async () => {
      const message = await this.deps.messages.get(messageId);
      return message ? this.escalate([message], 'failed', reason) : [];
    });
  }

  /** A profile was paused (credentials or TLS refused): its pending critical messages escalate now. */
  onPaused(profile: string, reason: string): Promise<Escalation[]> {
    return this.serial(async () => {
      const pending = await this.deps.messages.list({ states: [...PENDING_STATES], profile, ...CRITICAL_ONLY, limit: SCAN_LIMIT });
      return this.escalate(pending, 'paused', `profile ${profile} paused: ${reason}`);
    });
  }

  /**
   * Critical messages still pending `escalateAfter` after they were enqueued — in the Outbox, or
   * handed to a spooling mail program and still in its local queue, which is no closer to the
   * recipient. Run periodically, and after each pass of the MTA queue watch.
   */
  checkOverdue(): Promise<Escalation[]> {
    return this.serial(async () => {
      const after = this.deps.config.notification.escalateAfter;
      const createdBefore = this.deps.clock.now() - after + 1;
      const overdue = await this.deps.messages.list({ states: [...PENDING_STATES], createdBefore, ...CRITICAL_ONLY, limit: SCAN_LIMIT });
      const escalated: Escalation[] = [];
      // One call per profile, so each pager line names one reason.
      for (const profile of new Set(overdue.map((m) => m.profile))) {
        const mine = overdue.filter((m) => m.profile === profile);
        const last = mine.find((m) => m.lastError)?.lastError;
        escalated.push(...(await this.escalate(mine, 'overdue', `not delivered after ${formatDuration(after)}${last ? `: ${last}` : ''}`)));
      }
      const queued = await this.stillInLocalQueue(createdBefore);
      for (const profile of new Set(queued.map((q) => q.message.profile))) {
        const mine = queued.filter((q) => q.message.profile === profile);
        const first = mine[0]!;
        const reason = `still in the local ${first.client} queue after ${formatDuration(after)}, not delivered${first.reason ? `: ${first.reason}` : ''}`;
        escalated.push(...(await this.escalate(mine.map((q) => q.message), 'overdue', reason)));
      }
      return escalated;
    });
  }

  /**
   * Critical `queued-locally` messages created before `createdBefore` that the queue watch has not
   * seen leave the MTA's queue. One whose queue could not be read counts too: unknown is not
   * delivered. Read from the hand-offs, which only hold what is still queued, so old messages the
   * MTA delivered long ago cost nothing here.
   */
  private async stillInLocalQueue(createdBefore: number): Promise<Array<{ message: StoredMessage; client: string; reason: string | null }>> {
    if (!this.deps.localQueue) return [];
    const found: Array<{ message: StoredMessage; client: string; reason: string | null }> = [];
    for (const handOff of await this.deps.localQueue.watched(SCAN_LIMIT)) {
      const message = await this.deps.messages.get(handOff.outboxId);
      if (message?.state !== 'queued-locally' || message.priority !== PRIORITY.critical || message.createdAt >= createdBefore) continue;
      found.push({ message, client: handOff.client, reason: handOff.lastReason });
    }
    return found;
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.chain.then(work);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async escalate(messages: readonly StoredMessage[], trigger: Escalation['trigger'], reason: string): Promise<Escalation[]> {
    const now = this.deps.clock.now();
    const recorded: Escalation[] = [];
    // Oldest first, e-mail before pager forms: the pager line names the e-mail's (shorter) subject.
    const ordered = [...messages].sort((a, b) => a.createdAt - b.createdAt || Number(a.kind.startsWith('pager.')) - Number(b.kind.startsWith('pager.')) || a.id.localeCompare(b.id));
    for (const m of ordered) {
      if (m.priority !== PRIORITY.critical || m.kind.startsWith('escalation.')) continue;
      const e = await this.deps.escalations.record({ outboxId: m.id, kind: m.kind, subject: m.subject, profile: m.profile, trigger, reason: oneLine(reason), messageAt: m.createdAt, escalatedAt: now });
      if (e) recorded.push(e);
    }
    if (recorded.length === 0) return recorded;
    for (const e of recorded) {
      await this.deps.systemLog.critical(`could not deliver critical message "${e.subject}" (${e.outboxId}, enqueued ${formatTime(e.messageAt, this.deps.config.admin.timezone)}, profile ${e.profile}): ${e.reason}`);
    }
    await this.page(recorded).catch((error: unknown) => this.deps.log.error('could not enqueue the escalation pager message', { error: (error as Error).message }));
    return recorded;
  }

  private async page(recorded: readonly Escalation[]): Promise<void> {
    const { config, log } = this.deps;
    // Across media: the pager's push channels hear of it too — except the channel that failed.
    const line = composePager(await this.deps.templates.pager('pager-escalation'), escalationVars(this.deps.host, recorded[0]!, recorded.length - 1, config.admin.timezone));
    const pushed = await this.pushToChannels(recorded, line);
    const route = await this.route(recorded[0]!.profile);
    if (!route) {
      if (pushed) return;
      log.error('escalation: no mail profile to page through', { count: recorded.length });
      return;
    }
    const active = activeProfileName(config);
    const book = { ...(config.profiles[route.name]?.addressBook ?? {}), ...((active && config.profiles[active]?.addressBook) || {}) };
    const pager = resolveRecipients(config.notification.pager, book);
    if (pager.addresses.length === 0) {
      if (pushed) return;
      log.warn('escalation: notification.pager names no recipient; only the system log was told', { count: recorded.length });
      return;
    }
    const first = recorded[0]!;
    await this.deps.outbox.enqueueMany([
      {
        kind: 'escalation.pager',
        severity: 'critical',
        priority: PRIORITY.critical,
        profile: route.name,
        from: route.from,
        to: pager.addresses,
        subject: line,
        text: line,
        dedupeKey: `escalation:${recorded.map((e) => e.id).join(',')}`,
        headers: notificationHeaders(this.deps.host, {}, true),
      },
    ]);
    if (route.name === first.profile) log.warn(`escalation: no other mail profile; the pager form goes through ${route.name} again`);
  }

  /** Enqueues the escalation line to the channels of notification.pager; whether any took it. */
  private async pushToChannels(recorded: readonly Escalation[], line: string): Promise<boolean> {
    const failed = recorded[0]!.profile;
    const channels = channelsNamed(this.deps.config, this.deps.config.notification.pager).filter((c) => channelProfile(c) !== failed);
    if (channels.length === 0) return false;
    const content = escalationChannelContent(this.deps.host, recorded, line, this.deps.clock.now());
    await this.deps.outbox.enqueueMany(channelRequests(this.deps.config, channels, content, { kind: 'escalation.pager', severity: 'critical', priority: PRIORITY.critical, dedupeKey: `escalation:${recorded.map((e) => e.id).join(',')}` }));
    return true;
  }

  /**
   * Another profile than the one that failed when there is one that is not paused (a route
   * around the broken one); otherwise the same profile, whose failover servers may still work.
   */
  private async route(failed: string): Promise<{ name: string; from: string } | undefined> {
    const profiles = this.deps.config.profiles;
    const now = this.deps.clock.now();
    for (const [name, profile] of Object.entries(profiles)) {
      // A maildir profile files mail locally: it would "succeed" without paging anyone.
      if (name === failed || profile.method === 'maildir') continue;
      const state = await this.deps.profiles.get(name);
      if (state.pausedUntil !== null && state.pausedUntil > now) continue;
      return { name, from: profile.from };
    }
    const same = profiles[failed];
    return same ? { name: failed, from: same.from } : undefined;
  }
}

export function escalationVars(host: string, e: Pick<Escalation, 'subject' | 'reason' | 'messageAt' | 'profile' | 'trigger'>, more: number, timezone?: string) {
  return { host, subject: e.subject, reason: e.reason, when: formatTime(e.messageAt, timezone), profile: e.profile, trigger: e.trigger, more: more > 0 ? more : '', count: more + 1 };
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 500);
}
