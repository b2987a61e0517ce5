/**
 * What bench:outbox sends and how its Vigil is set up: ~2 KB alerts through one SMTP profile of
 * CONNECTIONS connections, twice as many messages in flight. Shared by its phases
 * (outbox-phase.ts) and the interleaved CPU comparison (outbox-cpu-pairs.ts).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { MessageRequest } from '../src/domain/message.js';

export const CONNECTIONS = 5;

// ~2 KB of text and HTML, like a real alert.
const TEXT = 'The backup of documents failed: the vault at /srv/vault is unreachable (ENOENT).\n'.repeat(12);
const HTML = `<p>${TEXT.replace(/\n/g, '<br>')}</p>`;

export function request(i: number): MessageRequest {
  return { kind: 'bench', severity: 'info', profile: 'sink', from: 'vigil@example.com', to: ['ops@example.com'], subject: `bench ${i}`, text: TEXT, html: HTML };
}

/** A temporary directory with a vigil.yaml delivering into the sink on `port`. */
export function outboxWorkspace(port: number): { dir: string; configFile: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-bench-'));
  const configFile = path.join(dir, 'vigil.yaml');
  writeFileSync(
    configFile,
    `dataDir: ./var
hostname: bench.example.com
mail: { profile: sink }
profiles:
  sink:
    method: smtp
    from: vigil@example.com
    connections: ${CONNECTIONS}
    servers: [{ host: 127.0.0.1, port: ${port}, security: none }]
outbox: { concurrency: ${CONNECTIONS * 2} }
`,
  );
  return { dir, configFile };
}
