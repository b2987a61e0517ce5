import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkConfigText } from '../../src/config/load.js';
import { formatProblem } from '../../src/config/problems.js';
import { Workspace } from '../helpers/workspace.js';
import { withCleanups } from '../helpers/cleanups.js';

const cleanups = withCleanups();

const BASE = `dataDir: ./var
profiles:
  local:
    method: maildir
    from: vigil@example.com
    addressBook:
      admins: [ops@example.com]
`;

const problems = (yaml: string, severity: 'error' | 'warning' = 'error') =>
  checkConfigText(yaml, '/etc/vigil/vigil.yaml')
    .problems.filter((p) => p.severity === severity)
    .map(formatProblem)
    .join('\n');

test('config check: every channel problem names file:line, the key and what to do', () => {
  const yaml = `${BASE}channels:
  phone: { type: ntfy, url: "http://ntfy.example.com/topic" }
  tg: { type: telegram, botToken: { env: TG }, chatId: "not a chat" }
  pd: { type: pagerduty, routingKey: "inline-key" }
  odd: { type: carrier-pigeon }
  hook: { type: webhook, url: "ftp://example.com/x", secret: { env: S } }
  chat: { type: slack }
notification:
  admins: [admins, nowhere]
`;
  const found = problems(yaml);
  assert.match(found, /vigil\.yaml:9: channels\.phone\.url: is http:\/\/: credentials would cross the network unencrypted; use https:\/\/, or set allowInsecure: true/);
  assert.match(found, /vigil\.yaml:10: channels\.tg\.chatId: "not a chat" is not a Telegram chat id/);
  assert.match(found, /vigil\.yaml:11: channels\.pd\.routingKey: must be \{ env: NAME \} or \{ file: PATH \}/);
  assert.match(found, /vigil\.yaml:12: channels\.odd\.type: type must be one of ntfy, pagerduty/);
  assert.match(found, /vigil\.yaml:13: channels\.hook\.url: ftp: is not supported; use https:\/\//);
  assert.match(found, /vigil\.yaml:14: channels\.chat\.url: (is required: )?url must be a URL, or \{ env: NAME \}/);
});

test('config check: channel names are recipients; unknown names and names shared with a group are errors; an inline chat URL is a warning', () => {
  const ok = `${BASE}channels:
  phone: { type: ntfy, url: "https://ntfy.example.com/topic" }
  team: { type: slack, url: "https://hooks.slack.com/services/T/B/x" }
notification:
  admins: [admins]
  pager: [phone]
sets:
  docs: { engine: command, command: [/bin/true], notify: { to: [admins, team], pager: [phone] } }
`;
  assert.equal(problems(ok), '');
  assert.match(problems(ok, 'warning'), /channels\.team\.url: a slack webhook URL embeds its token: give it as \{ env: NAME \} or \{ file: PATH \}/);
  const clash = `${BASE}channels:
  admins: { type: ntfy, url: "https://ntfy.example.com/topic" }
notification:
  pager: [phone]
`;
  const found = problems(clash);
  assert.match(found, /channels\.admins: "admins" is also an address-book group/);
  assert.match(found, /notification\.pager\.0: "phone" is neither an address nor a group .* nor a channel \(admins\)/);
});

test('vigil config check reads channel secrets: a missing variable, a short PagerDuty key and a bad webhook secret are errors (values never printed)', async () => {
  const ws = new Workspace(`${BASE}channels:
  pd: { type: pagerduty, routingKey: { env: PD_KEY } }
  hook: { type: webhook, url: "https://example.com/hook", secret: { env: HOOK_SECRET } }
  po: { type: pushover, token: { env: PO_TOKEN }, user: { env: PO_USER } }
  team: { type: slack, url: { env: SLACK_URL } }
`);
  cleanups.push(() => ws.cleanup());
  const result = await ws.vigil(['config', 'check'], { env: { PD_KEY: 'short-key-9', HOOK_SECRET: 'plainsecretvalue', PO_TOKEN: 'atoken123', SLACK_URL: 'http://hooks.example.com/services/T/B/SECRETPATH' } });
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /vigil\.yaml:\d+: channels\.pd\.routingKey: is 11 characters; a PagerDuty Events API v2 integration key is 32/);
  assert.match(result.stderr, /channels\.hook\.secret: is not a Standard Webhooks secret/);
  assert.match(result.stderr, /channels\.po\.user: environment variable PO_USER is not set/);
  assert.match(result.stderr, /channels\.team\.url: the URL read from the secret is http:\/\/: credentials would cross the network unencrypted/);
  assert.ok(!result.stderr.includes('short-key-9') && !result.stderr.includes('plainsecretvalue') && !result.stderr.includes('SECRETPATH'));
});
