import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';

export interface ReceivedRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: http.IncomingHttpHeaders;
  /** The exact bytes of the body. */
  body: Buffer;
}

export interface PeerAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/**
 * How the peer treats one request: an answer, `hang` (read the body, never answer), or `drop`
 * (read the body, then destroy the connection: the client cannot know whether it was acted on).
 */
export type PeerBehaviour = PeerAnswer | 'hang' | 'drop';

/**
 * A real HTTP(S) server on an ephemeral loopback port that records every request and answers as
 * a push service would (its documented status codes and bodies), per request.
 */
export class HttpPeer {
  readonly received: ReceivedRequest[] = [];
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: http.Server,
    readonly port: number,
    readonly protocol: 'http' | 'https',
  ) {}

  static async start(behave: (request: ReceivedRequest, index: number) => PeerBehaviour, tls?: { key: string; cert: string }): Promise<HttpPeer> {
    const box: { peer?: HttpPeer } = {};
    const handler: http.RequestListener = (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const request = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
        box.peer!.received.push(request);
        const behaviour = behave(request, box.peer!.received.length - 1);
        if (behaviour === 'hang') return;
        if (behaviour === 'drop') {
          req.socket.destroy();
          return;
        }
        res.writeHead(behaviour.status, behaviour.headers ?? {});
        res.end(behaviour.body ?? '');
      });
    };
    const server = tls ? https.createServer({ key: tls.key, cert: tls.cert }, handler) : http.createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const peer = new HttpPeer(server, (server.address() as AddressInfo).port, tls ? 'https' : 'http');
    box.peer = peer;
    server.on('connection', (s: Socket) => {
      peer.sockets.add(s);
      s.on('close', () => peer.sockets.delete(s));
    });
    return peer;
  }

  url(path = '/'): string {
    return `${this.protocol}://${this.protocol === 'https' ? 'localhost' : '127.0.0.1'}:${this.port}${path}`;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
