import http from 'node:http';
import https from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';

/** One HTTPS request with a hard deadline. TLS is always verified; `ca` adds trusted CAs. */
export interface HttpsRequest {
  url: URL;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string | Buffer;
  /** Trusted CAs (PEM), system roots included by the caller; undefined means the system's. */
  ca?: string[];
  timeoutMs: number;
  /** The caller's cut-off (shutdown, or the attempt's deadline). */
  signal: AbortSignal;
  /** Allows plain http:// (a channel with `allowInsecure: true`); https is verified regardless. */
  allowInsecure?: boolean;
  /** Keep-alive connections owned by the caller (a push channel); default: one connection per request. */
  agent?: http.Agent;
}

export interface HttpsResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** The request failed without a complete response. */
export class HttpsFailure extends Error {
  constructor(
    message: string,
    /** The request body was fully handed to the network: the peer may have acted on it. */
    readonly requestSent: boolean,
    readonly timedOut: boolean,
    readonly aborted: boolean,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'HttpsFailure';
  }
}

// Token and Graph answers are small; anything bigger is not an answer we understand.
const MAX_RESPONSE_BYTES = 256 * 1024;

/**
 * Sends one request and reads the whole (capped) response. Rejects only with HttpsFailure.
 * Not AbortSignal.any(): on Node 20 a signal composed with the long-lived shutdown signal stays
 * referenced by it (commit 78a318a); a controller, a timer and a removed listener keep nothing.
 */
export function httpsRequest(request: HttpsRequest): Promise<HttpsResponse> {
  const plain = request.url.protocol === 'http:' && request.allowInsecure === true;
  if (request.url.protocol !== 'https:' && !plain) {
    return Promise.reject(new HttpsFailure(`${request.url.origin} is not https: tokens and mail are only sent over verified TLS`, false, false, false, 'EPROTO'));
  }
  const controller = new AbortController();
  let timedOut = false;
  let requestSent = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, request.timeoutMs);
  const onAbort = () => controller.abort();
  if (request.signal.aborted) controller.abort();
  request.signal.addEventListener('abort', onAbort, { once: true });
  const cleanup = () => {
    clearTimeout(timer);
    request.signal.removeEventListener('abort', onAbort);
  };
  return new Promise<HttpsResponse>((resolve, reject) => {
    const fail = (error: NodeJS.ErrnoException) => {
      const aborted = controller.signal.aborted;
      const why = timedOut ? `no answer within ${Math.round(request.timeoutMs / 1000)} s` : aborted ? 'cut off (Vigil is shutting down)' : error.message;
      reject(new HttpsFailure(`${request.method} ${request.url.origin}${request.url.pathname}: ${why}`, requestSent, timedOut, aborted && !timedOut, error.code));
    };
    const body = request.body === undefined ? undefined : Buffer.from(request.body);
    const req = (plain ? http : https).request(
      request.url,
      {
        method: request.method,
        headers: { ...request.headers, ...(body ? { 'Content-Length': String(body.length) } : {}) },
        signal: controller.signal,
        minVersion: 'TLSv1.2',
        rejectUnauthorized: true,
        ...(request.ca ? { ca: request.ca } : {}),
        // A fresh connection per request unless the caller owns a pool: a kept-alive socket
        // would outlive the deadline's scope (the caller's agent is closed with it).
        agent: request.agent ?? false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_RESPONSE_BYTES) chunks.push(chunk);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', fail);
        res.on('aborted', () => fail(Object.assign(new Error('the response was cut short'), { code: 'ECONNRESET' })));
      },
    );
    req.on('error', fail);
    req.end(body, () => (requestSent = true));
  }).finally(cleanup);
}
