import { openApp, type AppContext } from '../../src/app/context.js';
import { hashSecret } from '../../src/console/password-hash.js';
import { startConsole, type ConsoleServer } from '../../src/console/server.js';
import { HttpPeer } from '../helpers/http-peer.js';
import { closedPort, SmtpPeer } from '../helpers/smtp-peer.js';
import { TEST_PASSWORD } from '../helpers/smtp-config.js';
import { Workspace } from '../helpers/workspace.js';

/** What the console tests log in with, and every secret no page or API body may contain. */
export const CONSOLE_USER = 'admin';
export const CONSOLE_PASSWORD = 'console-pass-7Qx!';
export const READ_TOKEN = 'grafana-token-9f8e7d6c5b4a';
export const SLACK_URL_PATH = '/services/T0001/B0002/slackSecretPart4411';
export const RESTIC_PASSWORD = 'restic-repo-passphrase-5521';

export interface ConsoleFixture {
  ws: Workspace;
  app: AppContext;
  server: ConsoleServer;
  smtp: SmtpPeer;
  slack: HttpPeer;
  /** Every secret configured, in clear: none may appear in a response. */
  secrets: string[];
  /** The Outbox id of a message that could not be delivered (its relay is down). */
  deferredId: string;
  close(): Promise<void>;
}

/**
 * A workspace with a console (a user and a read-only token), a real SMTP server for profile
 * `office` (with a password), a Slack channel whose URL is a secret, a relay that is down, and
 * two sets: `nightly` failed, `docs` completed — each really run by the command engine.
 */
export async function consoleFixture(options: { tls?: { certFile: string; keyFile: string } } = {}): Promise<ConsoleFixture> {
  const smtp = await SmtpPeer.start({ auth: { user: 'vigil', pass: TEST_PASSWORD } });
  const slack = await HttpPeer.start(() => ({ status: 200, body: 'ok' }));
  const down = await closedPort();
  const [passwordHash, tokenHash] = await Promise.all([hashSecret(CONSOLE_PASSWORD), hashSecret(READ_TOKEN)]);
  const ws = new Workspace(`dataDir: ./var
hostname: console-test.example.com
mail:
  profile: office
profiles:
  office:
    method: smtp
    from: "Vigil <vigil@example.com>"
    timeoutSeconds: 5
    servers:
      - { host: 127.0.0.1, port: ${smtp.port}, security: none, allowPlaintextAuth: true, auth: { user: vigil, pass: { env: TEST_SMTP_PASS } } }
    addressBook:
      admins: [ops@example.com]
  backup-relay:
    method: smtp
    from: "Vigil <vigil@example.com>"
    timeoutSeconds: 3
    servers:
      - { host: 127.0.0.1, port: ${down}, security: none }
channels:
  team: { type: slack, url: { env: SLACK_URL }, allowInsecure: true }
notification:
  admins: [admins]
sets:
  nightly:
    engine: command
    command: [/bin/sh, -c, "echo 'disk /srv/db not mounted' >&2; exit 1"]
    schedule: "0 2 * * *"
  docs:
    engine: command
    command: [/bin/true]
    schedule: "30 2 * * *"
  offsite:
    engine: restic
    repository: /nonexistent/restic-repo
    password: { env: RESTIC_PASSWORD }
    paths: [/srv]
console:
  listen: 127.0.0.1:0
  ${options.tls ? `tls: { certFile: ${options.tls.certFile}, keyFile: ${options.tls.keyFile} }` : ''}
  users:
    ${CONSOLE_USER}: { passwordHash: "${passwordHash}" }
  tokens:
    grafana: { hash: "${tokenHash}", scope: read }
`);
  const env = { ...process.env, TEST_SMTP_PASS: TEST_PASSWORD, SLACK_URL: `http://127.0.0.1:${slack.port}${SLACK_URL_PATH}`, RESTIC_PASSWORD };
  const app = openApp({ configFile: ws.configFile, env, logLevel: 'error' });
  await app.runner.run('docs', { trigger: 'manual' });
  await app.runner.run('nightly', { trigger: 'manual' });
  const { id: deferredId } = await app.outbox.enqueue({ kind: 'backup.failed', severity: 'critical', priority: 0, profile: 'backup-relay', from: 'vigil@example.com', to: ['ops@example.com'], subject: 'nightly failed on console-test', text: 'disk not mounted' });
  await app.dispatcher.deliverNow(deferredId);
  const server = await startConsole(app.loaded.config.console!, { app: () => app, readOnly: false, clock: app.clock });
  return {
    ws,
    app,
    server,
    smtp,
    slack,
    secrets: [CONSOLE_PASSWORD, READ_TOKEN, TEST_PASSWORD, SLACK_URL_PATH, 'slackSecretPart4411', RESTIC_PASSWORD],
    deferredId,
    async close() {
      await server.close();
      await app.close();
      await smtp.stop();
      await slack.stop();
      ws.cleanup();
    },
  };
}

/** Logs in over HTTP; returns the session cookie and the CSRF token of the overview's forms. */
export async function login(baseUrl: string): Promise<{ cookie: string; csrf: string }> {
  const res = await fetch(`${baseUrl}/login`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ user: CONSOLE_USER, password: CONSOLE_PASSWORD }) });
  if (res.status !== 303) throw new Error(`login answered ${res.status}: ${await res.text()}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  const page = await (await fetch(`${baseUrl}/`, { headers: { cookie } })).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1];
  if (!csrf) throw new Error('no CSRF token on the overview');
  return { cookie, csrf };
}
