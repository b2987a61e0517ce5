import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real HTTP proxy in front of a local S3 server (s3rver) that sees what the server would: it
 * records every request, counts the PUTs in flight (and the most at once), can hold each PUT a
 * moment before passing it on (so uploads that may overlap do), and can answer chosen requests
 * with an error itself (a server fault at a precise step).
 */
export class CountingProxy {
  inFlight = 0;
  maxInFlight = 0;
  puts = 0;
  /** How long a PUT is held before it is passed on, at most; it goes at once when `releaseAt` are in flight. */
  holdMs = 1000;
  releaseAt = Infinity;
  private readonly held = new Set<() => void>();
  /** Every request seen: method and path with query. */
  readonly requests: string[] = [];
  /** Answers a request itself with this status instead of passing it on, when it returns one. */
  failWith: ((method: string, url: string) => number | undefined) | undefined;
  private server: http.Server | undefined;
  port = 0;
  constructor(private readonly upstream: number) {}

  async start(): Promise<void> {
    this.server = http.createServer((request, response) => {
      this.requests.push(`${request.method} ${request.url}`);
      const failure = this.failWith?.(request.method ?? '', request.url ?? '');
      if (failure !== undefined) {
        request.resume();
        response.writeHead(failure, { 'content-type': 'application/xml' });
        response.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>InternalError</Code><Message>failed by the test proxy</Message></Error>`);
        return;
      }
      const put = request.method === 'PUT';
      if (put) {
        this.puts++;
        this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
      }
      const forward = () => {
        const upstream = http.request({ host: '127.0.0.1', port: this.upstream, method: request.method, path: request.url, headers: request.headers }, (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
          answer.on('end', () => {
            if (put) this.inFlight--;
          });
        });
        upstream.on('error', () => response.destroy());
        request.pipe(upstream);
      };
      // Held long enough that every upload the client lets go at once is here at once.
      if (!put) return forward();
      const release = () => {
        clearTimeout(timer);
        this.held.delete(release);
        forward();
      };
      const timer = setTimeout(release, this.holdMs);
      this.held.add(release);
      if (this.inFlight >= this.releaseAt) for (const go of [...this.held]) go();
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}
