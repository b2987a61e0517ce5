import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { LAST_GOOD_FILE, loadConfigOrLastGood, saveLastGoodConfig } from '../../src/config/last-good.js';
import { VigilError } from '../../src/domain/errors.js';
import { Workspace } from '../helpers/workspace.js';

const GOOD = `dataDir: ./state
hostname: fs01.example.com
profiles:
  local: { method: maildir, from: vigil@example.com, addressBook: { admins: [ops@example.com] } }
notification:
  admins: [admins]
`;

test('an invalid vigil.yaml with no saved configuration is the same error as before', () => {
  const ws = new Workspace(`${GOOD}sets:\n  docs: { engine: command, command: [/bin/true], schedul: daily }\n`);
  try {
    assert.throws(() => loadConfigOrLastGood(ws.configFile), (e: unknown) => e instanceof VigilError && e.code === 'ERR_CONFIG_INVALID');
  } finally {
    ws.cleanup();
  }
});

test('an invalid vigil.yaml falls back to the saved one (mode 600, in the dataDir the broken file still names) and names the key', () => {
  const ws = new Workspace(GOOD);
  try {
    mkdirSync(path.join(ws.dir, 'state'));
    saveLastGoodConfig(loadConfig(ws.configFile));
    const saved = path.join(ws.dir, 'state', LAST_GOOD_FILE);
    assert.equal(statSync(saved).mode & 0o777, 0o600);
    ws.write(`${GOOD}sets:\n  docs: { engine: command, command: [/bin/true], schedul: daily }\n`);
    const found = loadConfigOrLastGood(ws.configFile);
    assert.ok('savedAt' in found, 'fell back');
    assert.equal(found.loaded.config.hostname, 'fs01.example.com');
    assert.equal(found.loaded.config.dataDir, path.join(ws.dir, 'state'), 'relative paths resolve from vigil.yaml, not from the copy');
    assert.match(found.problem, /vigil\.yaml is invalid: line 8: sets\.docs\.schedul: unknown key/);
  } finally {
    ws.cleanup();
  }
});

test('a valid vigil.yaml is used as is, whatever was saved', () => {
  const ws = new Workspace(GOOD);
  try {
    const found = loadConfigOrLastGood(ws.configFile);
    assert.ok(!('savedAt' in found));
    assert.equal(found.config.hostname, 'fs01.example.com');
  } finally {
    ws.cleanup();
  }
});
