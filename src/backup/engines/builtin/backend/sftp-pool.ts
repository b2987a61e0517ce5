import { openSftpSession, type SftpSession, type SftpTarget } from './sftp-session.js';

interface Lane {
  opening: Promise<SftpSession>;
  /** Calls running on this connection. */
  active: number;
}

/**
 * Up to `max` SSH connections to one server, opened as the calls in flight need them. A single
 * connection is served by one sshd process on the server, which decrypts, writes and fsyncs one
 * request after the other: while it fsyncs an 8 MiB pack, every other upload on that connection
 * waits. Each call goes to the connection with the fewest calls running; a new connection is
 * opened only for a call that moves data (`grow`) when every open one is busy — a handshake costs
 * more than a listing or a lock waiting its turn among the requests in flight on an open one. A
 * connection that fails or drops is forgotten (its calls fail; the next call opens a fresh one);
 * the others keep working.
 */
export class SftpPool {
  private lanes: Lane[] = [];

  constructor(
    private readonly target: SftpTarget,
    private readonly max: number,
  ) {}

  /**
   * A connection for one call; `release` must be called once the call is over. `grow`: the call
   * moves enough data to be worth a connection of its own when the open ones are busy.
   */
  async acquire(grow: boolean): Promise<{ session: SftpSession; release: () => void }> {
    const idle = this.lanes.reduce<Lane | undefined>((best, lane) => (!best || lane.active < best.active ? lane : best), undefined);
    const lane = idle && (idle.active === 0 || !grow || this.lanes.length >= this.max) ? idle : this.open();
    lane.active++;
    let released = false;
    const release = () => {
      if (!released) lane.active--;
      released = true;
    };
    try {
      return { session: await lane.opening, release };
    } catch (error) {
      release();
      throw error;
    }
  }

  /** Forgets the connection and destroys it, which fails every call running on it at once. */
  drop(session: SftpSession): void {
    for (const lane of this.lanes) void lane.opening.then((open) => open === session && this.forget(lane), () => undefined);
    session.client.destroy();
  }

  /** Ends every connection; the pool may be used again afterwards (it reconnects). */
  async close(): Promise<void> {
    const lanes = this.lanes;
    this.lanes = [];
    for (const lane of lanes) (await lane.opening.catch(() => undefined))?.client.end();
  }

  private open(): Lane {
    const lane: Lane = { active: 0, opening: undefined as unknown as Promise<SftpSession> };
    lane.opening = openSftpSession(this.target, () => this.forget(lane));
    lane.opening.catch(() => this.forget(lane));
    this.lanes.push(lane);
    return lane;
  }

  private forget(lane: Lane): void {
    this.lanes = this.lanes.filter((other) => other !== lane);
  }
}
