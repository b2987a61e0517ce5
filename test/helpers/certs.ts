import { generate } from 'selfsigned';

export interface TestCertificate {
  key: string;
  cert: string;
}

let cached: Promise<TestCertificate> | undefined;

/**
 * A certificate for DNS name `localhost` only (no IP address), made fresh for the test run:
 * smtp-server's bundled one has expired. Connecting to 127.0.0.1 without a servername is a
 * name mismatch; with servername `localhost` and this cert as the CA it verifies.
 */
export function localhostCertificate(): Promise<TestCertificate> {
  cached ??= generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    days: 2,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }] },
    ],
  } as never).then((r) => ({ key: r.private, cert: r.cert }));
  return cached;
}
