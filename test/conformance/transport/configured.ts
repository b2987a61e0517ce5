import assert from 'node:assert/strict';
import { ConfiguredTransports } from '../../../src/app/transport-factory.js';
import { Redactor } from '../../../src/config/redact.js';
import { checkConfigText } from '../../../src/config/load.js';
import type { OutgoingMessage } from '../../../src/domain/message.js';

/**
 * Builds transports the way the service does (src/app/transport-factory.ts): from vigil.yaml
 * text, with the service's redactor, so a row tests the wiring of secrets as well as the adapter.
 */
export function configuredTransports(yaml: string, env: NodeJS.ProcessEnv): ConfiguredTransports {
  const { config, problems } = checkConfigText(yaml, 'vigil.yaml');
  assert.ok(config, `the test's vigil.yaml is valid: ${JSON.stringify(problems)}`);
  return new ConfiguredTransports({ config, redactor: new Redactor(), hostname: 'vigil-test.example.com', env });
}

let counter = 0;
/** A rendered e-mail as the Outbox hands it to a transport; a new Message-ID per call. */
export function mailMessage(profile: string, to = ['ops@example.com']): OutgoingMessage {
  counter++;
  const id = `conformance-${process.pid}-${counter}`;
  const messageId = `<${id}@vigil-test.example.com>`;
  const raw = Buffer.from(
    [
      'From: Vigil <vigil@example.com>',
      `To: ${to.join(', ')}`,
      `Subject: conformance ${counter}`,
      `Message-ID: ${messageId}`,
      'Date: Sun, 29 Nov 2026 10:00:00 +0000',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      `Message ${counter}.`,
      '.',
      'A lone dot above must not end the message.',
      '',
    ].join('\r\n'),
  );
  return { id, messageId, profile, createdAt: 0, envelope: { from: 'vigil@example.com', to }, raw };
}
