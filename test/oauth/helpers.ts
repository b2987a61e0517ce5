import type { CloudPeer } from './cloud-peer.js';

export const GRAPH_SECRET = 'graph-secret-Value~8Q~abcdefghijklmnop';
export const SMTP_APP_SECRET = 'smtp-secret-Value~8Q~qrstuvwxyz012345';

/** vigil.yaml for a workspace whose profile `m365` sends with Graph at the test cloud. */
export function graphConfig(peer: CloudPeer, options: { clientId?: string; extra?: string; secretExpires?: string } = {}): string {
  return `dataDir: ./var
hostname: vigil-test.example.com
mail:
  profile: m365
profiles:
  m365:
    method: graph
    from: "Vigil <backup@contoso.com>"
    mailbox: backup@contoso.com
    tenant: contoso.onmicrosoft.com
    clientId: ${options.clientId ?? 'app-graph'}
    clientSecret: { env: TEST_GRAPH_SECRET }
${options.secretExpires ? `    secretExpires: ${options.secretExpires}\n` : ''}    authority: ${peer.url}
    graphUrl: ${peer.url}
    caFile: ${peer.caFile}
    timeoutSeconds: 5
    addressBook:
      admins: [ops@example.com]
notification:
  admins: [admins]
outbox:
  minBackoff: 1m
  maxBackoff: 10m
  maxAge: 1d
${options.extra ?? ''}`;
}

/** vigil.yaml whose profile `office` logs in to `port` with XOAUTH2, tokens from the test cloud. */
export function xoauth2Config(peer: CloudPeer, port: number, options: { clientId?: string } = {}): string {
  return `dataDir: ./var
hostname: vigil-test.example.com
mail:
  profile: office
profiles:
  office:
    method: smtp
    from: "Vigil <backup@contoso.com>"
    timeoutSeconds: 5
    servers:
      - host: 127.0.0.1
        port: ${port}
        security: none
        allowPlaintextAuth: true
        auth:
          user: backup@contoso.com
          oauth2:
            provider: microsoft
            tenant: contoso.onmicrosoft.com
            clientId: ${options.clientId ?? 'app-smtp'}
            clientSecret: { env: TEST_SMTP_APP_SECRET }
            authority: ${peer.url}
            caFile: ${peer.caFile}
    addressBook:
      admins: [ops@example.com]
notification:
  admins: [admins]
outbox:
  minBackoff: 1m
  maxBackoff: 10m
  maxAge: 1d
`;
}

export const oauthEnv = { ...process.env, TEST_GRAPH_SECRET: GRAPH_SECRET, TEST_SMTP_APP_SECRET: SMTP_APP_SECRET };
