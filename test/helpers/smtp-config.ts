/** vigil.yaml text for a workspace whose profile `office` points at test SMTP servers. */
export function smtpConfig(options: {
  servers: Array<{ port: number; host?: string; security?: string; auth?: boolean; tls?: string | undefined }>;
  timeoutSeconds?: number;
  concurrency?: number;
  /** The profile's `connections` (per server); the default when unset. */
  connections?: number;
  extra?: string;
}): string {
  const servers = options.servers
    .map((s) =>
      [
        `      - host: ${s.host ?? '127.0.0.1'}`,
        `        port: ${s.port}`,
        `        security: ${s.security ?? 'none'}`,
        ...(s.auth ? ['        auth: { user: vigil, pass: { env: TEST_SMTP_PASS } }'] : []),
        // Loopback test servers: no TLS, and the password in clear is what the test asks for.
        ...(s.auth && (s.security ?? 'none') === 'none' ? ['        allowPlaintextAuth: true'] : []),
        ...(s.tls ? [`        tls: ${s.tls}`] : []),
      ].join('\n'),
    )
    .join('\n');
  return `dataDir: ./var
hostname: vigil-test.example.com
mail:
  profile: office
profiles:
  office:
    method: smtp
    from: "Vigil <vigil@example.com>"
    timeoutSeconds: ${options.timeoutSeconds ?? 5}
${options.connections ? `    connections: ${options.connections}\n` : ''}    servers:
${servers}
    addressBook:
      admins: [ops@example.com]
notification:
  admins: [admins]
outbox:
  minBackoff: 1m
  maxBackoff: 10m
  maxAge: 1h
  concurrency: ${options.concurrency ?? 8}
${options.extra ?? ''}`;
}

export const TEST_PASSWORD = 'correct-horse-battery-staple';
