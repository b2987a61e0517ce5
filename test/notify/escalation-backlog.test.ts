import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, type AppContext } from '../../src/app/context.js';
import { PRIORITY, type MessageRequest } from '../../src/domain/message.js';
import type { SystemLog } from '../../src/domain/system-log.js';
import { closedPort } from '../helpers/smtp-peer.js';
import { smtpConfig } from '../helpers/smtp-config.js';
import { Workspace } from '../helpers/workspace.js';
import { FakeClock } from '../helpers/fake-clock.js';

// More than the escalator's scan limit (500): the backlog once filled every slot of a check.
const BACKLOG = 600;

class RecordingSystemLog implements SystemLog {
  readonly lines: string[] = [];
  async critical(line: string): Promise<void> {
    this.lines.push(line);
  }
}

function request(kind: string, priority: NonNullable<MessageRequest['priority']>, subject: string): MessageRequest {
  return { kind, severity: priority === PRIORITY.critical ? 'critical' : 'info', priority, profile: 'office', from: 'vigil@example.com', to: ['ops@example.com'], subject, text: subject };
}

/**
 * One old critical message, then a backlog of ordinary mail enqueued after it, nothing delivered
 * (the server's port is closed). Returns the app, its clock and its system log.
 */
async function backlogBehindCritical(ws: Workspace) {
  const clock = new FakeClock();
  const syslog = new RecordingSystemLog();
  const app: AppContext = openApp({ configFile: ws.configFile, clock, logLevel: 'error', systemLog: syslog });
  await app.outbox.enqueueMany([request('backup.failed', PRIORITY.critical, 'documents failed')]);
  clock.advance(60_000);
  const normal = Array.from({ length: BACKLOG }, (_, i) => request('backup.completed-with-errors', PRIORITY.normal, `photos warning ${i}`));
  await app.outbox.enqueueMany(normal);
  return { app, clock, syslog };
}

test('an overdue critical message escalates even behind a backlog of more than 500 ordinary messages', async () => {
  const ws = new Workspace(smtpConfig({ servers: [{ port: await closedPort() }] }));
  const { app, clock, syslog } = await backlogBehindCritical(ws);
  try {
    clock.advance(16 * 60_000);
    const escalated = await app.notifications.escalator.checkOverdue();
    assert.deepEqual(escalated.map((e) => e.subject), ['documents failed']);
    assert.equal(syslog.lines.length, 1);
    assert.match(syslog.lines[0]!, /could not deliver critical message "documents failed"/);
  } finally {
    await app.close();
    ws.cleanup();
  }
});

test('a paused profile escalates its critical message even behind a backlog of more than 500 ordinary messages', async () => {
  const ws = new Workspace(smtpConfig({ servers: [{ port: await closedPort() }] }));
  const { app } = await backlogBehindCritical(ws);
  try {
    const escalated = await app.notifications.escalator.onPaused('office', '535 authentication failed');
    assert.deepEqual(escalated.map((e) => e.subject), ['documents failed']);
    assert.equal(escalated[0]!.trigger, 'paused');
  } finally {
    await app.close();
    ws.cleanup();
  }
});
