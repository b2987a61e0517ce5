import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resticEnvironment } from '../../src/backup/engines/restic/restic-env.js';

test('restic environment: the set\'s repository and password win over every other restic source, from the service or from env:', () => {
  const env = resticEnvironment(
    { PATH: '/usr/bin', RESTIC_PASSWORD: 'service', RESTIC_PASSWORD_FILE: '/service.pass', RESTIC_REPOSITORY_FILE: '/repo.txt' },
    { RESTIC_PASSWORD_COMMAND: 'cat /set.pass', RESTIC_PASSWORD_FILE: '/set.pass', RESTIC_CACHE_DIR: '/cache', RESTIC_REPOSITORY: '/elsewhere' },
    '/srv/repo',
    'the set\'s own',
  );
  assert.deepEqual(env, { PATH: '/usr/bin', RESTIC_CACHE_DIR: '/cache', RESTIC_REPOSITORY: '/srv/repo', RESTIC_PASSWORD: 'the set\'s own' });
});
