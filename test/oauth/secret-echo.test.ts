import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Workspace, type CliResult } from '../helpers/workspace.js';
import { CloudPeer } from './cloud-peer.js';
import { GRAPH_SECRET, graphConfig, oauthEnv } from './helpers.js';

// Item 18: a token endpoint that echoes the request body put the client secret, URL-encoded as
// the form carries it (`~` is `%7E`), into the output, logs, `outbox show` and the database.

let cloud: CloudPeer;
let ws: Workspace;
before(async () => {
  cloud = await CloudPeer.start();
  cloud.echoTokenRequests = true;
  ws = new Workspace(graphConfig(cloud));
});
after(async () => {
  ws.cleanup();
  await cloud.stop();
});

const encoded = new URLSearchParams({ s: GRAPH_SECRET }).toString().slice(2);

function assertNoSecret(text: string, where: string): void {
  for (const form of [GRAPH_SECRET, encoded, encodeURIComponent(GRAPH_SECRET)]) assert.ok(!text.includes(form), `${where} holds the client secret (${form}):\n${text}`);
}

test('an endpoint that echoes the token request: the secret is in no output, log, outbox show or database row', async () => {
  assert.notEqual(encoded, GRAPH_SECRET, 'the test secret changes when URL-encoded');
  const sent: CliResult = await ws.vigil(['mail', 'test', '-v'], { env: oauthEnv });
  assert.equal(sent.code, 1, sent.stdout + sent.stderr);
  assert.match(sent.stderr, /Request body: .*client_secret=\*\*\*/, 'the echo reached the output, redacted');
  assertNoSecret(sent.stdout + sent.stderr, 'mail test');

  const id = /message (\S+)/.exec(sent.stdout + sent.stderr)?.[1];
  assert.ok(id, sent.stdout + sent.stderr);
  const shown = await ws.vigil(['outbox', 'show', id, '--json'], { env: oauthEnv });
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, /AADSTS900144/);
  assertNoSecret(shown.stdout + shown.stderr, 'outbox show');

  const delivered = await ws.vigil(['outbox', 'deliver'], { env: oauthEnv });
  assertNoSecret(delivered.stdout + delivered.stderr, 'outbox deliver (its log)');

  // The database files, byte for byte (the WAL too): no form of the secret in any row.
  const files = readdirSync(ws.dataDir).filter((n) => /\.db(-wal)?$/.test(n));
  assert.ok(files.length > 0, `a database in ${ws.dataDir}`);
  for (const name of files) assertNoSecret(readFileSync(path.join(ws.dataDir, name)).toString('latin1'), `database file ${name}`);
});
