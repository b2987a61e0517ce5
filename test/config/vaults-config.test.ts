import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkConfigText } from '../../src/config/load.js';
import { formatProblem } from '../../src/config/problems.js';
import { type BuiltinVaultConfig, resolveSettings } from '../../src/backup/engines/builtin/settings.js';

const check = (yaml: string) => checkConfigText(yaml, '/etc/vigil/vigil.yaml');
const errors = (yaml: string) => check(yaml).problems.filter((p) => p.severity === 'error').map(formatProblem).join('\n');

test('vaults: an sftp and an s3 vault, named by builtin sets, reach the engine resolved (secrets read only then)', () => {
  const { config, problems } = check(`sets:
  documents: { engine: builtin, paths: [/srv/documents], vault: offsite }
  photos: { engine: builtin, paths: [/srv/photos], vault: cloud }
  local: { engine: builtin, paths: [/srv/x] }
vaults:
  offsite:
    url: sftp://backup@vault.example.com:2222/srv/vaults/fs01
    identityFile: /etc/vigil/id_ed25519
    knownHosts: /etc/vigil/known_hosts
  cloud:
    url: s3://s3.eu-central-1.amazonaws.com/acme-backups/fs01
    accessKeyId: { env: AWS_ACCESS_KEY_ID }
    secretAccessKey: { env: AWS_SECRET_ACCESS_KEY }
    region: eu-central-1
`);
  assert.ok(config, problems.map(formatProblem).join('\n'));
  const context = (name: string) => ({ name, config: config.sets[name] as BuiltinVaultConfig, dataDir: '/var/lib/vigil' });
  const offsite = resolveSettings(context('documents'));
  assert.equal(offsite.vault, 'sftp://backup@vault.example.com:2222/srv/vaults/fs01');
  assert.deepEqual(offsite.target, { kind: 'sftp', sftp: { host: 'vault.example.com', port: 2222, username: 'backup', path: '/srv/vaults/fs01', identityFile: '/etc/vigil/id_ed25519', knownHosts: '/etc/vigil/known_hosts', timeoutMs: 60_000 }, uploads: { connections: 4 } });
  const cloud = resolveSettings(context('photos'), { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrEXAMPLE' });
  assert.equal(cloud.vault, 's3://s3.eu-central-1.amazonaws.com/acme-backups/fs01', 'no credentials in the location');
  assert.equal(cloud.target.kind === 's3' && cloud.target.s3.secretAccessKey, 'wJalrEXAMPLE');
  assert.equal(resolveSettings(context('local')).vault, '/var/lib/vigil/vault');
});

test('vaults: each problem at its file:line — no knownHosts (never trust on first use), missing S3 keys, a bad scheme, a URL inline in a set', () => {
  const found = errors(`sets:
  a: { engine: builtin, paths: [/a], vault: "sftp://u@h/x" }
vaults:
  offsite:
    url: sftp://backup@vault.example.com/srv/v
    identityFile: /etc/vigil/id
  cloud:
    url: s3://s3.example.com/bucket
  odd:
    url: ftp://example.com/x
  nouser:
    url: sftp://vault.example.com/srv/v
    identityFile: /k
    knownHosts: /kh
`);
  assert.match(found, /vigil\.yaml:\d+: vaults\.offsite\.knownHosts: an sftp vault needs knownHosts: .*never trusts a host key on first use/);
  assert.match(found, /vaults\.cloud\.accessKeyId: an s3 vault needs accessKeyId/);
  assert.match(found, /vaults\.cloud\.secretAccessKey: an s3 vault needs secretAccessKey/);
  assert.match(found, /vaults\.odd\.url: "ftp:\/\/example\.com\/x": unknown scheme ftp:\/\//);
  assert.match(found, /vaults\.nouser\.url: .*names no user/);
  // Checked once the vaults themselves are valid (the schema resolves set → vault last).
  assert.match(errors(`sets:\n  a: { engine: builtin, paths: [/a], vault: "sftp://u@h/x" }\n`), /vigil\.yaml:2: sets\.a\.vault: define the remote vault under vaults:/);
});

test('an offsite vault is not "inside the backed-up paths" of a set backing up /', () => {
  const { config, problems } = check(`sets:
  everything: { engine: builtin, paths: [/], vault: offsite }
vaults:
  offsite: { url: "sftp://backup@vault.example.com/srv/v", identityFile: /etc/vigil/id, knownHosts: /etc/vigil/known_hosts }
`);
  assert.ok(config, problems.map(formatProblem).join('\n'));
  assert.deepEqual(problems.filter((p) => /inside|lies/.test(p.message)).map(formatProblem), []);
});

test('vaults: limitUpload is a rate (20MiB/s, 500KiB/s, 1MB/s) and connections a whole number; anything else is an error at its line', () => {
  const { config, problems } = check(`sets:
  documents: { engine: builtin, paths: [/srv/documents], vault: offsite }
vaults:
  offsite:
    url: sftp://backup@vault.example.com/srv/vaults/fs01
    identityFile: /etc/vigil/id_ed25519
    knownHosts: /etc/vigil/known_hosts
    limitUpload: 20MiB/s
    connections: 2
`);
  assert.ok(config, problems.map(formatProblem).join('\n'));
  const settings = resolveSettings({ name: 'documents', config: config.sets.documents as BuiltinVaultConfig, dataDir: '/var/lib/vigil' });
  assert.deepEqual(settings.target.uploads, { connections: 2, bytesPerSecond: 20 * 1024 * 1024 });

  const found = errors(`vaults:
  offsite:
    url: /mnt/usb/vault
    limitUpload: fast
    connections: 0
`);
  assert.match(found, /vigil\.yaml:4: vaults\.offsite\.limitUpload: "fast" is not a rate; write e\.g\. 20MiB\/s, 500KiB\/s or 1MB\/s/);
  assert.match(found, /vigil\.yaml:5: vaults\.offsite\.connections: /);
});
