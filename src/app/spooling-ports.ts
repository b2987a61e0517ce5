import type { Activity } from '../domain/activity.js';
import type { OutgoingMessage } from '../domain/message.js';
import type { ActivityEnd, ActivityFilter, ActivityIdBounds, ActivityStore, NewActivity } from '../storage/ports/activity-store.js';
import type { AttemptResult, LeaseLength, NewMessage, OutboxFilter, OutboxStore } from '../storage/ports/outbox-store.js';
import type { LocalSpool, Router } from './local-spool.js';
import { markReplaces } from './spool-flush.js';
import { spooledWindowKey } from './spool-flush-storm.js';
import { countAcross, getAcross, holderOf, listAcross } from './outbox-with-spools.js';

// A spooled activity's id is the spool's, negated: ids the database gives are positive, so a
// finish or a look-up finds its store by the sign alone (until the flush gives it a real one).
const negated = (a: Activity): Activity => ({ ...a, id: -a.id });

/** The activity log, spooled (spooling-store.ts): a run that started in the database may end in the spool. */
export class SpoolingActivityStore implements ActivityStore {
  // Runs started in the database, by id: their start is needed to record their end elsewhere.
  private readonly started = new Map<number, NewActivity>();
  // Runs of the database whose end the spool keeps: still `running` there until the flush, but over.
  private readonly endedInSpool = new Set<number>();

  constructor(
    private readonly primary: ActivityStore,
    private readonly router: Router,
  ) {}

  async start(activity: NewActivity): Promise<number> {
    const id = await this.router.route(
      () => this.primary.start(activity),
      async (spool) => -(await spool.store.activity.start(activity)),
    );
    if (id > 0) this.started.set(id, activity);
    return id;
  }

  async finish(id: number, end: ActivityEnd): Promise<Activity> {
    if (id < 0) return negated(await (await this.router.spool()).store.activity.finish(-id, end));
    const start = this.started.get(id);
    try {
      const finished = await this.router.route(
        () => this.primary.finish(id, end),
        async (spool) => {
          // Started before the outage, ended during it: the spool keeps the end, and the flush
          // ends the database's activity with it (instead of recording the run twice).
          if (!start) throw new Error(`activity ${id} cannot be ended: the database is unreachable and it was started by another process`);
          const recorded = await spool.store.activity.record(start, end);
          markReplaces(spool.raw, recorded.id, id);
          this.endedInSpool.add(id);
          return { ...recorded, id };
        },
      );
      return finished;
    } finally {
      this.started.delete(id);
    }
  }

  async idBounds(): Promise<ActivityIdBounds> {
    return this.router.route(
      () => this.primary.idBounds(),
      async (spool) => spool.store.activity.idBounds(),
    );
  }

  async record(activity: NewActivity, end: ActivityEnd): Promise<Activity> {
    return this.router.route(
      () => this.primary.record(activity, end),
      async (spool) => negated(await spool.store.activity.record(activity, end)),
    );
  }

  abandonRunning(now: number, reason: string, isAlive: (owner: { host: string; pid: number } | null) => boolean): Promise<Activity[]> {
    return this.router.route(
      () => this.primary.abandonRunning(now, reason, isAlive),
      async (spool) => (await spool.store.activity.abandonRunning(now, reason, isAlive)).map(negated),
    );
  }

  running(set: string): Promise<Activity[]> {
    return this.router.route(
      // Between the database's return and the flush, a run that ended in the spool is not one to wait for.
      async () => (await this.primary.running(set)).filter((a) => !this.endedInSpool.has(a.id)),
      async (spool) => (await spool.store.activity.running(set)).map(negated),
    );
  }

  async get(id: number): Promise<Activity | undefined> {
    if (id < 0) {
      const found = await (await this.router.spool()).store.activity.get(-id);
      return found && negated(found);
    }
    return this.router.route(() => this.primary.get(id), async () => undefined);
  }

  async log(id: number) {
    if (id < 0) return (await this.router.spool()).store.activity.log(-id);
    return this.router.route(() => this.primary.log(id), async () => []);
  }

  list(filter: ActivityFilter): Promise<Activity[]> {
    return this.router.route(
      () => this.primary.list(filter),
      async (spool) => (await spool.store.activity.list(filter)).map(negated),
    );
  }
}

/**
 * The Outbox, spooled: while the database is unreachable, messages are queued in the spool and
 * the dispatcher claims them there; results go back to the store a message was claimed from.
 */
export class SpoolingOutboxStore implements OutboxStore {
  // Messages claimed from a spool and not yet completed or released: the spool they belong to.
  private readonly claimed = new Map<string, LocalSpool>();

  constructor(
    private readonly primary: OutboxStore,
    private readonly router: Router,
  ) {}

  /** Messages of `spool` being sent now: it is not copied into the database meanwhile. */
  sending(spool: LocalSpool): number {
    let n = 0;
    for (const owner of this.claimed.values()) if (owner === spool) n++;
    return n;
  }

  enqueue(messages: NewMessage[]) {
    return this.router.route(
      async () => {
        // The group of a window the spool still holds after the return: queued in the spool (spooling-storm.ts).
        const spooled = messages.filter((m) => spooledWindowKey(m.dedupeKey) !== undefined);
        if (spooled.length === 0) return this.primary.enqueue(messages);
        return this.router.holding(async () => {
          const spool = await this.router.settled();
          const inSpool = spool ? await spool.store.outbox.enqueue(spooled.map((m) => ({ ...m, dedupeKey: spooledWindowKey(m.dedupeKey)! }))) : [];
          // Flushed meanwhile: the database has the window, unsent, and its storm control sends its group.
          const dropped = spool ? [] : spooled.map((m) => ({ id: m.id, duplicateOf: m.id }));
          return [...(await this.primary.enqueue(messages.filter((m) => !spooled.includes(m)))), ...inSpool, ...dropped];
        });
      },
      (spool) => spool.store.outbox.enqueue(messages),
    );
  }

  claimDue(now: number, limit: number, leaseMs: LeaseLength, owner: string, excludeProfiles?: readonly string[], onlyHost?: string): Promise<OutgoingMessage[]> {
    return this.router.route(
      async () => {
        const claimed = await this.primary.claimDue(now, limit, leaseMs, owner, excludeProfiles, onlyHost);
        // The database is back, the spool not yet flushed (a run still going in it may keep it
        // for hours): what it still holds is delivered from it meanwhile, not left waiting.
        const spool = await this.router.settled();
        if (!spool || claimed.length >= limit) return claimed;
        return [...claimed, ...(await this.fromSpool(spool, spool.store.outbox.claimDue(now, limit - claimed.length, leaseMs, owner, excludeProfiles, onlyHost)))];
      },
      (spool) => this.fromSpool(spool, spool.store.outbox.claimDue(now, limit, leaseMs, owner, excludeProfiles, onlyHost)),
    );
  }

  async claimById(id: string, now: number, leaseMs: LeaseLength, owner: string): Promise<OutgoingMessage | undefined> {
    const found = await this.router.route(
      () =>
        this.router.holding(async () => {
          // Still in the spool after the return (the console's "send now" of a spooled message): claimed there.
          const spool = await this.spoolHolding(id);
          if (spool) return this.fromSpool(spool, spool.store.outbox.claimById(id, now, leaseMs, owner).then((m) => (m ? [m] : [])));
          return [await this.primary.claimById(id, now, leaseMs, owner)].filter((m) => m !== undefined);
        }),
      (spool) => this.fromSpool(spool, spool.store.outbox.claimById(id, now, leaseMs, owner).then((m) => (m ? [m] : []))),
    );
    return found[0];
  }

  async complete(results: AttemptResult[], now: number): Promise<void> {
    await this.split(results.map((r) => r.attempt.messageId), results, (store, part) => store.complete(part, now));
  }

  async release(ids: string[], owner: string, now: number): Promise<void> {
    await this.split(ids, ids, (store, part) => store.release(part, owner, now));
  }

  expireOlderThan(createdBefore: number, now: number) {
    return this.router.route(() => this.primary.expireOlderThan(createdBefore, now), (s) => s.store.outbox.expireOlderThan(createdBefore, now));
  }

  nextDueAt(excludeProfiles?: readonly string[], onlyHost?: string) {
    return this.router.route(
      async () => {
        const due = await this.primary.nextDueAt(excludeProfiles, onlyHost);
        const spool = await this.router.settled();
        const spooled = spool && (await spool.store.outbox.nextDueAt(excludeProfiles, onlyHost));
        return spooled === undefined ? due : Math.min(due ?? spooled, spooled);
      },
      (s) => s.store.outbox.nextDueAt(excludeProfiles, onlyHost),
    );
  }

  // Reads after the return see the spool's messages too, until it is flushed (outbox-with-spools.ts).
  get(id: string) {
    return this.router.route(async () => getAcross(this.primary, await this.stillSpooled(), id), (s) => s.store.outbox.get(id));
  }

  raw(id: string) {
    return this.router.route(async () => ((await holderOf(await this.stillSpooled(), id)) ?? this.primary).raw(id), (s) => s.store.outbox.raw(id));
  }

  attempts(id: string) {
    return this.router.route(async () => ((await holderOf(await this.stillSpooled(), id)) ?? this.primary).attempts(id), (s) => s.store.outbox.attempts(id));
  }

  list(filter: OutboxFilter) {
    return this.router.route(async () => {
      const spooledKey = spooledWindowKey(filter.dedupeKey);
      // The group of a window the spool still holds is only there, under the spool's key (enqueue).
      if (spooledKey !== undefined) return (await this.stillSpooled())[0]?.list({ ...filter, dedupeKey: spooledKey }) ?? [];
      return listAcross(this.primary, await this.stillSpooled(), filter);
    }, (s) => s.store.outbox.list(filter));
  }

  countByState() {
    return this.router.route(async () => countAcross(this.primary, await this.stillSpooled()), (s) => s.store.outbox.countByState());
  }

  suspendRoute(profile: string, until: number, reason: string, now: number) {
    return this.router.route(() => this.primary.suspendRoute(profile, until, reason, now), (s) => s.store.outbox.suspendRoute(profile, until, reason, now));
  }

  routeSuspension(profile: string, now: number) {
    return this.router.route(() => this.primary.routeSuspension(profile, now), (s) => s.store.outbox.routeSuspension(profile, now));
  }

  makeDue(profile: string, now: number) {
    return this.router.route(() => this.primary.makeDue(profile, now), (s) => s.store.outbox.makeDue(profile, now));
  }

  retry(id: string, now: number) {
    return this.router.route(() => this.changeWhereItIs(id, (store) => store.retry(id, now)), (s) => s.store.outbox.retry(id, now));
  }

  fail(id: string, reason: string, now: number) {
    return this.router.route(() => this.changeWhereItIs(id, (store) => store.fail(id, reason, now)), (s) => s.store.outbox.fail(id, reason, now));
  }

  /** The spool (left after the return, not yet flushed) as a store to read, or none. */
  private async stillSpooled(): Promise<OutboxStore[]> {
    const spool = await this.router.settled();
    return spool ? [spool.store.outbox] : [];
  }

  /** The spool still holding message `id` after the return, if it is there. */
  private async spoolHolding(id: string): Promise<LocalSpool | undefined> {
    const spool = await this.router.settled();
    return spool && (await spool.store.outbox.get(id)) ? spool : undefined;
  }

  /** A change to one message, made in the spool if it is still there (no flush starting meanwhile: it would be lost), else in the database. */
  private changeWhereItIs<T>(id: string, change: (store: OutboxStore) => Promise<T>): Promise<T> {
    return this.router.holding(async () => change((await this.spoolHolding(id))?.store.outbox ?? this.primary));
  }

  private async fromSpool(spool: LocalSpool, claiming: Promise<OutgoingMessage[]>): Promise<OutgoingMessage[]> {
    const messages = await claiming;
    for (const m of messages) this.claimed.set(m.id, spool);
    return messages;
  }

  /**
   * Results and releases go where their message was claimed. Those of the database are not
   * spooled when it is unreachable: the claim's lease expires there and the message is tried
   * again, as after a crash.
   */
  private async split<T>(ids: string[], items: T[], apply: (store: OutboxStore, part: T[]) => Promise<void>): Promise<void> {
    const bySpool = new Map<LocalSpool, T[]>();
    const primary: T[] = [];
    items.forEach((item, i) => {
      const spool = this.claimed.get(ids[i]!);
      if (spool) bySpool.set(spool, [...(bySpool.get(spool) ?? []), item]);
      else primary.push(item);
    });
    for (const [spool, part] of bySpool) await apply(spool.store.outbox, part);
    for (const id of ids) this.claimed.delete(id);
    if (primary.length === 0) return;
    try {
      await apply(this.primary, primary);
    } catch (error) {
      this.router.lost(error);
      throw error;
    }
  }
}
