import type { OutgoingMessage } from '../domain/message.js';
import type { DeliveryOutcome } from '../domain/outcome.js';
import { RouteBreaker, type RouteBackoff } from '../domain/route-breaker.js';
import type { Transport } from '../domain/transport.js';

/** Which outcomes let us try the next server: the message was certainly not delivered. */
const TRY_NEXT = new Set(['temporary', 'credentials']);

export interface FailoverOptions {
  /** The time, for each server's backoff. */
  now: () => number;
  /** How long a server that did not answer is skipped: doubling from firstMs up to maxMs. */
  backoff: RouteBackoff;
}

/**
 * A profile's servers, tried in order (failover). The first that accepts wins. A permanent
 * refusal or an ambiguous loss is final for this attempt: another server would refuse the same
 * message, or might deliver it a second time.
 * A server that did not answer (see isRouteFailure) is skipped for a while, so an outage of the
 * first server costs one connection per backoff period rather than one per message; when every
 * server is in its backoff, all are tried (the dispatcher already paces such a route's probes).
 */
export class FailoverTransport implements Transport {
  readonly kind: string;
  private readonly servers: RouteBreaker;

  constructor(
    private readonly transports: Transport[],
    private readonly options: FailoverOptions = { now: Date.now, backoff: { firstMs: 15_000, maxMs: 300_000 } },
  ) {
    this.kind = transports[0]?.kind ?? 'none';
    this.servers = new RouteBreaker(options.backoff);
  }

  async send(message: OutgoingMessage, signal: AbortSignal): Promise<DeliveryOutcome> {
    const failures: DeliveryOutcome[] = [];
    const now = this.options.now();
    const answering = this.transports.map((_, i) => this.servers.state(String(i), now).kind !== 'down');
    const skipAll = !answering.includes(true);
    const skipped: string[] = [];
    for (const [i, transport] of this.transports.entries()) {
      if (!skipAll && !answering[i]) {
        const state = this.servers.state(String(i), now);
        if (state.kind === 'down') skipped.push(`# server ${i + 1} not tried: it did not answer a moment ago (${state.reason}); next try after ${new Date(state.until).toISOString()}`);
        continue;
      }
      const outcome = await transport.send(message, signal);
      // Not tried (our own queue for this server's connections): nothing to hold against the
      // server, and no reason to hand a message to the next server because ours is busy. Unless an
      // earlier server really failed: that failure is the attempt's outcome.
      if (outcome.notTried) {
        if (failures.length === 0) return noteSkipped(outcome, skipped);
        const worst = mostTelling(failures);
        const merged = merge(failures.filter((f) => f !== worst), worst);
        return noteSkipped({ ...merged, transcript: `${merged.transcript}\n# ${outcome.server ?? '?'}: ${outcome.detail}` }, skipped);
      }
      this.servers.record(String(i), outcome, this.options.now());
      if (!TRY_NEXT.has(outcome.kind) || signal.aborted) return noteSkipped(merge(failures, outcome), skipped);
      failures.push(outcome);
    }
    // Every server failed: report the most telling failure (credentials beat temporary, since
    // they need a person), with every transcript.
    const worst = mostTelling(failures);
    return noteSkipped(merge(failures.filter((f) => f !== worst), worst), skipped);
  }

  async close(): Promise<void> {
    await Promise.all(this.transports.map((t) => t.close?.()));
  }
}

/** Of several failures (at least one), the one to report: credentials need a person, so they win. */
function mostTelling(failures: DeliveryOutcome[]): DeliveryOutcome {
  return failures.find((f) => f.kind === 'credentials') ?? failures[failures.length - 1]!;
}

function noteSkipped(outcome: DeliveryOutcome, skipped: string[]): DeliveryOutcome {
  return skipped.length ? { ...outcome, transcript: `${skipped.join('\n')}\n${outcome.transcript}` } : outcome;
}

function merge(earlier: DeliveryOutcome[], final: DeliveryOutcome): DeliveryOutcome {
  if (earlier.length === 0) return final;
  const before = earlier.map((f) => `# ${f.server ?? '?'}: ${f.detail}\n${f.transcript}`).join('\n');
  const tried = earlier.map((f) => `${f.server ?? '?'} (${f.detail})`).join('; ');
  return { ...final, detail: `${final.detail} — after ${tried}`, transcript: `${before}\n# ${final.server ?? '?'}\n${final.transcript}` };
}
