import { createHash } from 'node:crypto';
import type { VigilConfig } from '../config/schema/index.js';
import type { ActivityLogEntry } from '../domain/activity.js';
import type { Clock } from '../domain/clock.js';
import type { BackupEvent, BackupStartedEvent } from '../domain/events.js';
import type { Logger } from '../domain/logger.js';
import type { MessageRequest } from '../domain/message.js';
import { PING_BODY_MAX_BYTES, pingEventOf, pingProfile, protocolSends, setPingTarget, tailBytes, type PingContent } from '../domain/ping.js';
import type { Outbox } from '../outbox/outbox.js';
import type { ActivityStore } from '../storage/ports/activity-store.js';
import type { OutboxStore } from '../storage/ports/outbox-store.js';
import { notYetQueued } from './not-yet-queued.js';
import { formatDuration } from '../domain/units.js';
import { effectiveRule } from './rules.js';

export interface RunPingDeps {
  config: VigilConfig;
  outbox: Pick<Outbox, 'enqueueMany'>;
  activity: Pick<ActivityStore, 'log'>;
  /** To recognise, after a crash, a ping already enqueued for a run. */
  messages: Pick<OutboxStore, 'list'>;
  clock: Clock;
  log: Logger;
  host: string;
}

/**
 * A set's heartbeat pings (`sets.<name>.ping`, docs/heartbeats.md): `start` when a run begins,
 * success or failure when it ends, a failure for a missed run. They only enqueue — the Outbox
 * delivers, retries with backoff, and keeps a target's pings in order (one sequence per target),
 * so a `/start` never arrives after its run's end and a backup never waits on a checker.
 */
export class RunPings {
  // Per set, one enqueue at a time: the start of a run is stored before its end.
  private readonly chains = new Map<string, Promise<unknown>>();

  constructor(private readonly deps: RunPingDeps) {}

  onStarted(event: BackupStartedEvent): Promise<void> {
    return this.serial(event.set, async () => {
      const ping = this.deps.config.sets[event.set]?.ping;
      if (!ping || !protocolSends(ping.protocol, 'start')) return;
      const content: PingContent = { event: 'start', runId: runUuid(this.deps.host, event.set, event.activityId), body: `Vigil on ${this.deps.host}: backup ${event.set} started (activity ${event.activityId}, ${event.trigger})`, summary: 'started' };
      await this.deps.outbox.enqueueMany([this.request(event.set, event.activityId, 'start', content)]);
    });
  }

  /**
   * A run ended (or was missed). `recovering`: rebuilt from the activity log after a crash; the
   * ping is enqueued only if the lost attempt had not got that far.
   */
  onEnded(event: BackupEvent, recovering = false): Promise<void> {
    return this.serial(event.set, async () => {
      const { config, host } = this.deps;
      const set = config.sets[event.set];
      if (!set?.ping) return;
      const n = config.notification;
      const what = pingEventOf(event.status, effectiveRule(set.notify, n.defaults, n.pager).on);
      if (!what) return;
      const log = event.status === 'missed' ? [] : await this.deps.activity.log(event.activityId);
      const durationMs = Math.max(0, event.endedAt - event.startedAt);
      const head = `Vigil on ${host}: backup ${event.set} ${event.status} (activity ${event.activityId}, ${formatDuration(durationMs, 'summary')})${event.firstError ? `\nfirst error: ${event.firstError}` : ''}\n`;
      const lines = log.map(logLine).join('\n');
      const content: PingContent = {
        event: what,
        runId: runUuid(host, event.set, event.activityId),
        body: head + (lines ? `\n${tailBytes(lines, PING_BODY_MAX_BYTES - Buffer.byteLength(head) - 1)}` : ''),
        summary: `${event.status}${event.firstError ? `: ${event.firstError}` : ''}`,
        durationMs,
        ...(what === 'fail' && set.engine === 'command' ? exitStatusOf(log) : {}),
      };
      const request = this.request(event.set, event.activityId, 'end', content);
      const toSend = recovering ? await notYetQueued(this.deps.messages, [request]) : [request];
      if (toSend.length) await this.deps.outbox.enqueueMany(toSend);
    });
  }

  private request(set: string, activityId: number, phase: 'start' | 'end', content: PingContent): MessageRequest {
    const target = setPingTarget(set);
    return {
      kind: `ping.${content.event}`,
      severity: content.event === 'fail' ? 'error' : 'info',
      profile: pingProfile(target),
      dedupeKey: `ping:${set}:${activityId}:${phase}`,
      // One sequence per target, not per run: an Uptime Kuma monitor (no run id) must not see
      // an older run's "down" after a newer run's "up".
      sequence: pingProfile(target),
      from: 'vigil',
      to: [target],
      subject: `ping ${set}: ${content.event === 'start' ? 'started' : content.summary}`.slice(0, 200),
      text: '',
      ping: { target, content },
    };
  }

  private serial(set: string, work: () => Promise<void>): Promise<void> {
    const run = (this.chains.get(set) ?? Promise.resolve()).then(work);
    const chain = run.catch(() => undefined);
    this.chains.set(set, chain);
    void chain.then(() => {
      if (this.chains.get(set) === chain) this.chains.delete(set);
    });
    return run;
  }
}

function logLine(entry: ActivityLogEntry): string {
  return `${entry.severity.toUpperCase()} ${entry.path ? `${entry.path}: ` : ''}${entry.message}`;
}

/** A command set's exit status, from the engine's closing line (`… exited with status N`). */
function exitStatusOf(log: readonly ActivityLogEntry[]): { exitStatus?: number } {
  for (let i = log.length - 1; i >= 0; i--) {
    const match = / exited with status (\d{1,3})\b/.exec(log[i]!.message);
    if (match) return { exitStatus: Number(match[1]) };
  }
  return {};
}

/** RFC 4122's URL namespace: name-based ids of Vigil's runs are taken in it. */
const URL_NAMESPACE = Buffer.from('6ba7b8119dad11d180b400c04fd430c8', 'hex');

/**
 * The run's id at the checker (healthchecks' `rid`): a name-based UUID (version 5) of the run,
 * so its start and its end — even one enqueued after a crash, by another process — carry the
 * same one without it being stored.
 */
export function runUuid(host: string, set: string, activityId: number): string {
  const bytes = createHash('sha1').update(URL_NAMESPACE).update(`vigil-run:${host}:${set}:${activityId}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
