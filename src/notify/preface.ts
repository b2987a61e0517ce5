import type { Clock } from '../domain/clock.js';
import type { MessageRequest } from '../domain/message.js';
import type { Outbox } from '../outbox/outbox.js';
import type { Escalation, EscalationStore } from '../storage/ports/escalation-store.js';
import type { OutboxStore } from '../storage/ports/outbox-store.js';
import { formatTime } from './compose.js';
import { escapeHtml } from './template.js';

/** Undelivered messages listed in one preface at most; the rest are counted. */
const PREFACE_MAX = 10;

/** "Could not deliver: <subject> (<when>, <reason>)", one line per escalation. */
export function prefaceLines(escalations: readonly Escalation[], timezone?: string): string[] {
  const lines = escalations.slice(0, PREFACE_MAX).map((e) => `Could not deliver: ${e.subject} (${formatTime(e.messageAt, timezone)}, ${e.reason})`);
  if (escalations.length > PREFACE_MAX) lines.push(`… and ${escalations.length - PREFACE_MAX} more undelivered messages`);
  return lines;
}

/** Puts the preface before a message's text and at the top of its HTML body. */
export function withPreface(request: MessageRequest, lines: readonly string[]): MessageRequest {
  const text = `${lines.join('\n')}\n\n${request.text}`;
  if (request.html === undefined) return { ...request, text };
  const block = `<div style="margin:0 0 12px 0;padding:8px;border:2px solid #b00020;font-family:Arial,Helvetica,sans-serif;font-size:14px;">${lines.map(escapeHtml).join('<br>')}</div>`;
  const body = /<body[^>]*>/i.exec(request.html);
  const html = body ? request.html.replace(body[0], `${body[0]}${block}`) : `${block}${request.html}`;
  return { ...request, text, html };
}

/**
 * The Outbox as notification uses it: the first e-mail enqueued after an escalation starts with
 * what could not be delivered, and the escalations are then marked reported. Pager forms stay one
 * line and are never prefaced, nor are channel messages (a push says one thing). Escalations are marked only after the enqueue is durable, so a
 * crash in between reports them twice rather than never. A message delivered since it was
 * escalated (late, but delivered) is not named: the preface is read as "still missing", so it
 * says only what is undelivered when this mail is rendered.
 */
export class PrefacingOutbox {
  constructor(
    private readonly outbox: Pick<Outbox, 'enqueueMany'>,
    private readonly escalations: Pick<EscalationStore, 'unreported' | 'markReported'>,
    private readonly messages: Pick<OutboxStore, 'get'>,
    private readonly clock: Clock,
    /** `admin.timezone`, for the times the preface names. */
    private readonly timezone?: string,
  ) {}

  async enqueueMany(requests: MessageRequest[]): Promise<Awaited<ReturnType<Outbox['enqueueMany']>>> {
    const isMail = (r: MessageRequest) => !r.channel && !r.kind.startsWith('pager.') && !r.kind.startsWith('escalation.');
    const unreported = requests.some(isMail) ? await this.escalations.unreported() : [];
    const { pending, delivered } = await this.splitDelivered(unreported);
    // Delivered since: nothing left to tell about them.
    if (delivered.length) await this.escalations.markReported(delivered, this.clock.now());
    if (pending.length === 0) return this.outbox.enqueueMany(requests);
    const lines = prefaceLines(pending, this.timezone);
    const results = await this.outbox.enqueueMany(requests.map((r) => (isMail(r) ? withPreface(r, lines) : r)));
    await this.escalations.markReported(
      pending.map((e) => e.id),
      this.clock.now(),
    );
    return results;
  }

  private async splitDelivered(escalations: readonly Escalation[]): Promise<{ pending: Escalation[]; delivered: number[] }> {
    const pending: Escalation[] = [];
    const delivered: number[] = [];
    for (const e of escalations) {
      const message = await this.messages.get(e.outboxId);
      if (message?.state === 'sent') delivered.push(e.id);
      else pending.push(e);
    }
    return { pending, delivered };
  }
}
