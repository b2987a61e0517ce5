import type { OutgoingMessage } from '../../../src/domain/message.js';
import type { Transport } from '../../../src/domain/transport.js';

/**
 * One adapter of `Transport` wired to its real peer (an SMTP server, msmtp, a directory, an
 * HTTPS API on loopback), as the transport conformance suite drives it.
 */
export interface TransportRig {
  transport: Transport;
  /** A message this transport carries; a new one per call. */
  message(): OutgoingMessage;
  /** What the peer received so far, one entry per delivery (the message's bytes for mail). */
  delivered(): Promise<Buffer[]>;
  /**
   * The next delivery is refused by the peer with `text` in its answer — for good, or for now.
   * Absent where the peer cannot refuse (a Maildir): those cases are skipped for the adapter.
   */
  refuseNext?(kind: 'permanent' | 'temporary', text: string): void;
  /**
   * From now on the peer takes the message (or the connection) and never answers. Absent where
   * the peer cannot hang (a local directory).
   */
  hang?(): void;
  /** The secrets the adapter was configured with: none may appear in an outcome. */
  secrets: string[];
  close(): Promise<void>;
}

export interface RigOptions {
  /** The transport's own per-attempt deadline. */
  deadlineMs: number;
}

export type OpenRig = (options: RigOptions) => Promise<TransportRig>;
