import type { OutgoingMessage } from '../domain/message.js';
import type { DeliveryOutcome } from '../domain/outcome.js';
import type { Transport } from '../domain/transport.js';

/** Which outcomes let us try the next server: the message was certainly not delivered. */
const TRY_NEXT = new Set(['temporary', 'credentials']);

/**
 * A profile's servers, tried in order (failover). The first that accepts wins. A permanent
 * refusal or an ambiguous loss is final for this attempt: another server would refuse the same
 * message, or might deliver it a second time.
 */
export class FailoverTransport implements Transport {
  readonly kind: string;

  constructor(private readonly transports: Transport[]) {
    this.kind = transports[0]?.kind ?? 'none';
  }

  async send(message: OutgoingMessage, signal: AbortSignal): Promise<DeliveryOutcome> {
    const failures: DeliveryOutcome[] = [];
    for (const transport of this.transports) {
      const outcome = await transport.send(message, signal);
      if (!TRY_NEXT.has(outcome.kind) || signal.aborted) return merge(failures, outcome);
      failures.push(outcome);
    }
    // Every server failed: report the most telling failure (credentials beat temporary, since
    // they need a person), with every transcript.
    const worst = failures.find((f) => f.kind === 'credentials') ?? failures[failures.length - 1]!;
    return merge(failures.filter((f) => f !== worst), worst);
  }

  async close(): Promise<void> {
    await Promise.all(this.transports.map((t) => t.close?.()));
  }
}

function merge(earlier: DeliveryOutcome[], final: DeliveryOutcome): DeliveryOutcome {
  if (earlier.length === 0) return final;
  const before = earlier.map((f) => `# ${f.server ?? '?'}: ${f.detail}\n${f.transcript}`).join('\n');
  const tried = earlier.map((f) => `${f.server ?? '?'} (${f.detail})`).join('; ');
  return { ...final, detail: `${final.detail} — after ${tried}`, transcript: `${before}\n# ${final.server ?? '?'}\n${final.transcript}` };
}
