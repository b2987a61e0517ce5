import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { openApp } from '../../src/app/context.js';
import { hashSecret } from '../../src/console/password-hash.js';
import { startConsole } from '../../src/console/server.js';
import { ACTIVITY_STATUSES } from '../../src/domain/activity.js';
import { OUTCOME_KINDS } from '../../src/domain/outcome.js';
import { MESSAGE_STATES } from '../../src/domain/message.js';
import { Workspace } from '../helpers/workspace.js';

const RULES = new URL('../../docs/monitoring/vigil-alerts.yml', import.meta.url);
const DASHBOARD = new URL('../../docs/monitoring/vigil-dashboard.json', import.meta.url);
const TOKEN = 'prometheus-token-1b2c3d';

// The ready-made alert rules and dashboard name only metrics /metrics really serves, and only
// statuses and outcomes Vigil really has: a renamed metric would otherwise leave a rule that
// never fires.
test('every vigil_ metric in the alert rules and the Grafana dashboard is in a real /metrics answer', async () => {
  const rules = parse(readFileSync(RULES, 'utf8')) as { groups: Array<{ name: string; rules: Array<{ alert: string; expr: string; labels: { severity: string } }> }> };
  const exprs = rules.groups.flatMap((g) => g.rules.map((r) => r.expr));
  assert.ok(exprs.length >= 8);
  for (const r of rules.groups.flatMap((g) => g.rules)) assert.match(r.labels.severity, /^(critical|warning)$/, r.alert);
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: Array<{ title: string; targets: Array<{ expr: string }> }>; templating: { list: Array<{ definition?: string }> } };
  const dashExprs = [...dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)), ...dashboard.templating.list.flatMap((v) => (v.definition ? [v.definition] : []))];
  const named = new Set([...exprs, ...dashExprs].flatMap((e) => [...e.matchAll(/\bvigil_[a-z_]+/g)].map((m) => m[0])));
  assert.ok(named.size >= 10, `names found: ${[...named].join(', ')}`);

  const ws = new Workspace(`dataDir: ./var\nhostname: monitoring-test\nsets:\n  docs: { engine: command, command: [/bin/true] }\nconsole:\n  listen: 127.0.0.1:0\n  tokens:\n    prometheus: { hash: "${await hashSecret(TOKEN)}", scope: read }\n`);
  const app = openApp({ configFile: ws.configFile, logLevel: 'error' });
  await app.runner.run('docs', { trigger: 'manual' });
  const server = await startConsole(app.loaded.config.console!, { app: () => app, readOnly: true, clock: app.clock });
  try {
    const res = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(res.status, 200);
    const text = await res.text();
    const served = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]));
    for (const name of named) assert.ok(served.has(name), `${name} is named in docs/monitoring but not served by /metrics`);
  } finally {
    await server.close();
    await app.close();
    ws.cleanup();
  }
  // Label values the rules match on are values Vigil gives those labels.
  for (const e of exprs) {
    for (const m of e.matchAll(/status=~?"([^"]+)"/g)) for (const s of m[1]!.split('|')) assert.ok((ACTIVITY_STATUSES as readonly string[]).includes(s), `status ${s}`);
    for (const m of e.matchAll(/state=~?"([^"]+)"/g)) for (const st of m[1]!.split('|')) assert.ok((['ok', 'silent', 'stopped', ...MESSAGE_STATES] as string[]).includes(st), `state ${st}`);
    for (const m of e.matchAll(/outcome=~?"([^"]+)"/g)) for (const o of m[1]!.split('|')) assert.ok((OUTCOME_KINDS as readonly string[]).includes(o), `outcome ${o}`);
  }
});
