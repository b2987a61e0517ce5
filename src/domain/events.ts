import type { DeliveryOutcome } from './outcome.js';

/**
 * Events other parts of Vigil react to (notification rules, escalation, summaries). Kinds are
 * dotted. Emitting never blocks the emitter: subscribers run later and their failures are
 * reported, not thrown back.
 */
export type VigilEvent =
  | { kind: 'delivery.sent'; messageId: string; profile: string; at: number }
  | { kind: 'delivery.failed'; messageId: string; profile: string; messageKind: string; severity: string; outcome: DeliveryOutcome; at: number }
  | { kind: 'delivery.expired'; messageIds: string[]; at: number }
  | { kind: 'delivery.paused'; profile: string; reason: string; until: number; at: number };

export type VigilEventKind = VigilEvent['kind'];

export interface EventSink {
  emit(event: VigilEvent): void;
}

export const nullEventSink: EventSink = { emit() {} };
