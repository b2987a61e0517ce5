import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type net from 'node:net';
import { createPublicKey, createVerify, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generate } from 'selfsigned';

/** What a test makes Graph answer to the next sendMail (then it behaves again). */
export interface GraphReply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface MicrosoftApp {
  tenant: string;
  clientId: string;
  secret: string;
  secretExpired?: boolean;
  consented?: boolean;
}

export interface SendMailRequest {
  mailbox: string;
  token: string;
  contentType: string;
  mime: Buffer;
}

let certificate: Promise<{ key: string; cert: string }> | undefined;
/** For 127.0.0.1 and localhost, so tests connect by IP (no resolver, no IPv6 surprise). */
function loopbackCertificate(): Promise<{ key: string; cert: string }> {
  certificate ??= generate([{ name: 'commonName', value: 'vigil-test-cloud' }], {
    keySize: 2048,
    days: 2,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] },
    ],
  } as never).then((r) => ({ key: r.private, cert: r.cert }));
  return certificate;
}

/**
 * The Microsoft identity platform, Google's token endpoint and Microsoft Graph sendMail, as they
 * document their contracts (status codes, error bodies, Retry-After), on an ephemeral HTTPS
 * loopback port with a test CA. Nothing here talks to the internet.
 */
export class CloudPeer {
  readonly apps: MicrosoftApp[] = [];
  google = { clientId: 'g-client', clientSecret: 'g-secret-value', refreshToken: 'g-refresh-1//0abc', revoked: false, serviceAccountPem: '', serviceAccountEmail: '', delegatedTo: [] as string[] };
  tokenLifetimeSeconds = 3600;
  /** Answer token requests with this status and body instead (e.g. 503). */
  tokenOutage: { status: number; body: unknown } | undefined;
  /** Answer every token request 400 with its own request body in the description (a careless endpoint). */
  echoTokenRequests = false;
  /** Shift the Date header (simulates this machine's clock being wrong). */
  dateOffsetMs = 0;
  readonly tokenRequests: Array<{ path: string; form: Record<string, string> }> = [];
  readonly validTokens = new Set<string>();
  readonly issued: string[] = [];
  readonly sendMail: SendMailRequest[] = [];
  readonly graphReplies: GraphReply[] = [];
  /** Cut the connection after reading a sendMail request, without answering. */
  dropNextSendMail = false;
  /** Read every sendMail request and never answer it (a hung service), until stopped. */
  hangSendMail = false;
  port = 0;
  caFile = '';
  private server!: https.Server;
  private dir = '';
  private readonly sockets = new Set<net.Socket>();

  static async start(): Promise<CloudPeer> {
    const peer = new CloudPeer();
    const { key, cert } = await loopbackCertificate();
    peer.dir = mkdtempSync(path.join(tmpdir(), 'vigil-cloud-'));
    peer.caFile = path.join(peer.dir, 'ca.pem');
    writeFileSync(peer.caFile, cert);
    peer.server = https.createServer({ key, cert }, (req, res) => void peer.handle(req, res));
    peer.server.on('connection', (s: net.Socket) => {
      peer.sockets.add(s);
      s.on('close', () => peer.sockets.delete(s));
    });
    await new Promise<void>((resolve) => peer.server.listen(0, '127.0.0.1', resolve));
    peer.port = (peer.server.address() as net.AddressInfo).port;
    return peer;
  }

  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString();
    const url = new URL(req.url ?? '/', this.url);
    if (this.echoTokenRequests && req.method === 'POST' && /token$/.test(url.pathname)) {
      return this.json(res, 400, { error: 'invalid_request', error_description: `AADSTS900144: The request body could not be processed. Request body: ${body}` });
    }
    const ms = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(url.pathname);
    if (req.method === 'POST' && ms) return this.microsoftToken(decodeURIComponent(ms[1]!), new URLSearchParams(body), res);
    if (req.method === 'POST' && url.pathname === '/token') return this.googleToken(new URLSearchParams(body), res);
    const graph = /^\/v1\.0\/users\/([^/]+)\/sendMail$/.exec(url.pathname);
    if (req.method === 'POST' && graph) return this.graphSendMail(decodeURIComponent(graph[1]!), req, body, res);
    this.json(res, 404, { error: { code: 'BadRequest', message: 'Resource not found for the segment.' } });
  }

  private json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', Date: new Date(Date.now() + this.dateOffsetMs).toUTCString(), ...headers });
    res.end(body === undefined ? '' : JSON.stringify(body));
  }

  private issue(res: ServerResponse): void {
    const token = `eyJ0eXAi.${randomBytes(24).toString('base64url')}.sig`;
    this.validTokens.add(token);
    this.issued.push(token);
    this.json(res, 200, { token_type: 'Bearer', expires_in: this.tokenLifetimeSeconds, ext_expires_in: this.tokenLifetimeSeconds, access_token: token });
  }

  /** AAD error body: `error`, `error_description` starting with the AADSTS code, `error_codes`. */
  private aad(res: ServerResponse, status: number, error: string, code: number, text: string): void {
    this.json(res, status, {
      error,
      error_description: `AADSTS${code}: ${text}\r\nTrace ID: 0b6d4f3c-0000\r\nCorrelation ID: 9a1c-0000\r\nTimestamp: ${new Date().toISOString()}`,
      error_codes: [code],
      timestamp: new Date().toISOString(),
      trace_id: '0b6d4f3c-0000',
      correlation_id: '9a1c-0000',
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    });
  }

  private microsoftToken(tenant: string, form: URLSearchParams, res: ServerResponse): void {
    this.tokenRequests.push({ path: `/${tenant}/oauth2/v2.0/token`, form: Object.fromEntries(form) });
    if (this.tokenOutage) return this.json(res, this.tokenOutage.status, this.tokenOutage.body);
    if (form.get('grant_type') !== 'client_credentials') return this.aad(res, 400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
    if (!this.apps.some((a) => a.tenant === tenant)) return this.aad(res, 400, 'invalid_request', 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
    const app = this.apps.find((a) => a.tenant === tenant && a.clientId === form.get('client_id'));
    if (!app) return this.aad(res, 400, 'unauthorized_client', 700016, `Application with identifier '${form.get('client_id')}' was not found in the directory '${tenant}'.`);
    if (!String(form.get('scope')).endsWith('/.default')) return this.aad(res, 400, 'invalid_scope', 70011, 'The provided request must include a \'scope\' input parameter.');
    if (app.secret !== form.get('client_secret')) return this.aad(res, 401, 'invalid_client', 7000215, 'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.');
    if (app.secretExpired) return this.aad(res, 401, 'invalid_client', 7000222, `The provided client secret keys for app '${app.clientId}' are expired.`);
    if (app.consented === false) return this.aad(res, 400, 'invalid_grant', 65001, `The user or administrator has not consented to use the application with ID '${app.clientId}'.`);
    this.issue(res);
  }

  private googleToken(form: URLSearchParams, res: ServerResponse): void {
    this.tokenRequests.push({ path: '/token', form: Object.fromEntries(form) });
    if (this.tokenOutage) return this.json(res, this.tokenOutage.status, this.tokenOutage.body);
    const g = this.google;
    if (form.get('grant_type') === 'refresh_token') {
      if (form.get('client_id') !== g.clientId || form.get('client_secret') !== g.clientSecret) return this.json(res, 401, { error: 'invalid_client', error_description: 'Unauthorized' });
      if (g.revoked || form.get('refresh_token') !== g.refreshToken) return this.json(res, 400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
      return this.issue(res);
    }
    if (form.get('grant_type') === 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
      const [h, c, s] = String(form.get('assertion')).split('.');
      const valid = g.serviceAccountPem && createVerify('RSA-SHA256').update(`${h}.${c}`).verify(createPublicKey(g.serviceAccountPem), Buffer.from(s ?? '', 'base64url'));
      if (!valid) return this.json(res, 400, { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' });
      const claims = JSON.parse(Buffer.from(c!, 'base64url').toString()) as { iss: string; sub: string; scope: string; iat: number; exp: number };
      const now = (Date.now() + this.dateOffsetMs) / 1000;
      if (Math.abs(claims.iat - now) > 300) return this.json(res, 400, { error: 'invalid_grant', error_description: 'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.' });
      if (claims.iss !== g.serviceAccountEmail || !g.delegatedTo.includes(claims.sub) || claims.scope !== 'https://mail.google.com/') {
        return this.json(res, 401, { error: 'unauthorized_client', error_description: 'Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.' });
      }
      return this.issue(res);
    }
    this.json(res, 400, { error: 'unsupported_grant_type', error_description: 'Invalid grant_type.' });
  }

  private graphSendMail(mailbox: string, req: IncomingMessage, body: string, res: ServerResponse): void {
    const token = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
    this.sendMail.push({ mailbox, token, contentType: String(req.headers['content-type']), mime: Buffer.from(body, 'base64') });
    if (this.dropNextSendMail) {
      this.dropNextSendMail = false;
      req.socket.destroy();
      return;
    }
    if (this.hangSendMail) return;
    const scripted = this.graphReplies.shift();
    if (scripted) return this.json(res, scripted.status, scripted.body, scripted.headers);
    if (!this.validTokens.has(token)) return this.json(res, 401, { error: { code: 'InvalidAuthenticationToken', message: 'Access token has expired or is not yet valid.' } });
    if (req.headers['content-type'] !== 'text/plain') return this.json(res, 400, { error: { code: 'ErrorMimeContentInvalidBase64String', message: 'Invalid base64 string for MIME content.' } });
    this.json(res, 202, undefined);
  }
}
