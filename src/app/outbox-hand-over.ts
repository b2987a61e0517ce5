import { stateOfHost } from '../admin/host-silence-watchdog.js';
import type { Logger } from '../domain/logger.js';
import { handsOver, handsOverFrom } from '../domain/outbox-hand-over.js';
import type { ClaimScopeLook, ClaimScopeSource } from '../outbox/dispatcher.js';
import type { HostStore } from '../storage/ports/host-store.js';

export interface OutboxHandOverDeps {
  hosts: HostStore;
  /** This host. */
  self: string;
  silentAfterMs: number;
  /** This host's fingerprint per profile name (deliveryFingerprints). */
  fingerprints: Readonly<Record<string, string>>;
  log: Logger;
}

/**
 * Which messages of a shared Outbox this host claims (docs/fleet.md, "The shared Outbox"): its
 * own, and those of hosts that are gone — silent, or stopped past their grace, by the same state
 * `vigil hosts` shows and the host-silence watchdog alerts (stateOfHost) — that it has a profile
 * of the same name and fingerprint for (the store compares them).
 */
export class OutboxHandOver implements ClaimScopeSource {
  /** Hosts whose messages this host was last told it may take: a change is logged once. */
  private taking = new Set<string>();
  private failing = false;

  constructor(private readonly deps: OutboxHandOverDeps) {}

  async look(now: number): Promise<ClaimScopeLook> {
    const { self, silentAfterMs, fingerprints } = this.deps;
    let hosts;
    try {
      hosts = await this.deps.hosts.list();
      this.failing = false;
    } catch (error) {
      // Not knowing who is gone is no reason to stop delivering this host's own messages.
      if (!this.failing) this.deps.log.warn(`shared Outbox: cannot read the fleet's hosts, delivering only this host's messages: ${(error as Error).message}`);
      this.failing = true;
      return { scope: { host: self } };
    }
    const gone: string[] = [];
    let recheckAt: number | undefined;
    for (const host of hosts) {
      if (host.name === self) continue;
      if (handsOver(stateOfHost(host, now, silentAfterMs), now, silentAfterMs)) gone.push(host.name);
      else recheckAt = Math.min(recheckAt ?? Infinity, handsOverFrom(host, silentAfterMs));
    }
    this.report(gone);
    return {
      scope: gone.length ? { host: self, handOver: { hosts: gone, fingerprints } } : { host: self },
      ...(recheckAt !== undefined ? { recheckAt } : {}),
    };
  }

  private report(gone: string[]): void {
    for (const name of gone) {
      if (!this.taking.has(name)) this.deps.log.info(`shared Outbox: host ${name} is gone; delivering its due messages whose profile or channel this host has with the same fingerprint`);
    }
    this.taking = new Set(gone);
  }
}
