/**
 * Builtin engine vs restic on the same ~1 GiB mixed data set and the same disk:
 * first backup, second backup with nothing changed, backup after changing ~1% of the data,
 * restore, and vault size. Both encrypt (restic always does). Runs restic and Vigil alternately,
 * phase by phase, so both see the same page-cache state. The last line is one JSON object.
 *
 *   npm run bench:engine            (BENCH_SCALE=0.25 for a quick ~256 MiB run; BENCH_KEEP=1 keeps the files)
 *   npm run bench:engine -- --vault sftp
 *       both to a real OpenSSH sshd on loopback (test/helpers/sshd-peer.ts): Vigil's SFTP vault,
 *       restic's sftp: repository through `ssh` to the same server. BENCH_LIMIT=20MiB/s sets
 *       Vigil's limitUpload, and the bench prints the upload rate it measured (bytes/time).
 *
 * Vigil runs in-process (the engine, not the CLI's start-up) from the compiled JavaScript in dist/, as
 * users run it — from the TypeScript sources each worker thread of every run would first compile
 * the engine through tsx (~1.9 s on the loaded 2-core VM); restic is a child process, as users run it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, statSync, writeFileSync, writeSync, lstatSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BuiltinEngine, builtinSet, restore } from '../src/backup/engines/builtin/index.js';
import { SshdPeer } from '../test/helpers/sshd-peer.js';
import { parseByteRate } from '../src/domain/units.js';

const SCALE = Number(process.env.BENCH_SCALE ?? '1');
const MiB = 1024 * 1024;
const root = mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-'));
const data = path.join(root, 'data');
const passFile = path.join(root, 'pass');
writeFileSync(passFile, 'correct horse battery staple\n');

// --- deterministic-enough generators -----------------------------------------------------------
let seed = 0x2545f491;
const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
const WORDS = 'backup vault notification error warning file directory snapshot restore verify prune daily weekly admin mail profile server client the and of to in is for on with as by at from this that'.split(' ');
function text(bytes: number): Buffer {
  const out = Buffer.allocUnsafe(bytes);
  let at = 0;
  while (at < bytes) {
    const line = `${new Date(1.7e12 + Math.floor(rand() * 3e10)).toISOString()} ${['INFO', 'WARN', 'ERROR'][Math.floor(rand() * 3)]} ${WORDS[Math.floor(rand() * WORDS.length)]} ${WORDS[Math.floor(rand() * WORDS.length)]} id=${Math.floor(rand() * 1e9)} ${WORDS[Math.floor(rand() * WORDS.length)]}\n`;
    at += out.write(line, at);
  }
  return out;
}
function writeLarge(file: string, bytes: number, compressible: boolean): void {
  const fd = openSync(file, 'w');
  for (let done = 0; done < bytes; done += 8 * MiB) writeSync(fd, compressible ? text(Math.min(8 * MiB, bytes - done)) : randomBytes(Math.min(8 * MiB, bytes - done)));
  closeSync(fd);
}

function generate(): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  const smallCount = Math.round(20_000 * SCALE);
  for (let n = 0; n < smallCount; n++) {
    const dir = path.join(data, 'small', `d${n % 100}`, `e${Math.floor(n / 100) % 20}`);
    if (n < 2000) mkdirSync(dir, { recursive: true });
    const size = 256 + Math.floor(rand() * 12 * 1024);
    writeFileSync(path.join(dir, `f${n}.txt`), rand() < 0.8 ? text(size) : randomBytes(size));
    files++;
    bytes += size;
  }
  mkdirSync(path.join(data, 'medium'), { recursive: true });
  for (let n = 0; n < Math.round(150 * SCALE); n++) {
    const size = Math.floor((1 + rand() * 3) * MiB);
    writeLarge(path.join(data, 'medium', `m${n}.bin`), size, n % 2 === 0);
    files++;
    bytes += size;
  }
  mkdirSync(path.join(data, 'large'), { recursive: true });
  for (let n = 0; n < 4; n++) {
    const size = Math.round(128 * SCALE) * MiB;
    writeLarge(path.join(data, 'large', `l${n}.${n % 2 ? 'img' : 'log'}`), size, n % 2 === 0);
    files++;
    bytes += size;
  }
  return { files, bytes };
}

/** Changes ~1% of the bytes: rewrites 1% of the small files, overwrites 1 MiB inside two large files, adds new files. */
function changeOnePercent(total: number): number {
  let changed = 0;
  const smallCount = Math.round(20_000 * SCALE);
  for (let n = 0; n < smallCount; n += 100) {
    const file = path.join(data, 'small', `d${n % 100}`, `e${Math.floor(n / 100) % 20}`, `f${n}.txt`);
    const size = statSync(file).size;
    writeFileSync(file, text(size));
    changed += size;
  }
  for (const name of ['l0.log', 'l1.img']) {
    const fd = openSync(path.join(data, 'large', name), 'r+');
    const at = Math.floor(rand() * (Math.round(128 * SCALE) - 2)) * MiB;
    writeSync(fd, name.endsWith('.log') ? text(MiB) : randomBytes(MiB), 0, MiB, at);
    closeSync(fd);
    changed += MiB;
  }
  mkdirSync(path.join(data, 'new'), { recursive: true });
  for (let n = 0; changed < total / 100; n++) {
    writeLarge(path.join(data, 'new', `n${n}.bin`), 2 * MiB, n % 2 === 0);
    changed += 2 * MiB;
  }
  return changed;
}

function du(dir: string): number {
  let sum = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) sum += du(full);
    else if (entry.isFile()) sum += lstatSync(full).size;
  }
  return sum;
}

const sftp = process.argv.includes('--vault') && process.argv[process.argv.indexOf('--vault') + 1] === 'sftp';
const limitUpload = process.env.BENCH_LIMIT;
const sshd = sftp ? new SshdPeer() : undefined;
if (sshd) await sshd.start();
const resticRepo = sshd ? sshd.remoteDir('restic-repo') : path.join(root, 'restic-repo');
const vigilVault = sshd ? sshd.remoteDir('vigil-vault') : path.join(root, 'vigil-vault');
const resticAvailable = spawnSync('restic', ['version'], { encoding: 'utf8' }).status === 0;
const resticEnv = { ...process.env, RESTIC_PASSWORD_FILE: passFile, RESTIC_REPOSITORY: sshd ? `sftp:${sshd.user}@127.0.0.1:${resticRepo}` : resticRepo, RESTIC_CACHE_DIR: path.join(root, 'restic-cache') };
// restic reaches an sftp: repository through the ssh program; the same server, key and host-key check as Vigil.
const resticSsh = sshd ? ['-o', `sftp.command=ssh -p ${sshd.port} -i ${sshd.identityFile} -o UserKnownHostsFile=${sshd.knownHosts} -o StrictHostKeyChecking=yes -o BatchMode=yes ${sshd.user}@127.0.0.1 -s sftp`] : [];
function restic(...args: string[]): number {
  const started = performance.now();
  execFileSync('restic', [...resticSsh, ...args], { env: resticEnv, stdio: ['ignore', 'ignore', 'inherit'] });
  return (performance.now() - started) / 1000;
}

const engine = new BuiltinEngine();
const vaultTarget = sshd ? { url: `sftp://${sshd.user}@127.0.0.1:${sshd.port}${vigilVault}`, identityFile: sshd.identityFile, knownHosts: sshd.knownHosts, timeout: 60_000, connections: 4, ...(limitUpload ? { limitUpload: parseByteRate(limitUpload) } : {}) } : undefined;
const config = Object.assign(builtinSet.parse({ engine: 'builtin', paths: [data], vault: sshd ? 'offsite' : vigilVault, passphrase: { file: passFile } }), vaultTarget ? { vaultTarget } : {});
const context = { name: 'bench', dataDir: root, config };
async function vigilBackup(): Promise<number> {
  const started = performance.now();
  const result = await engine.run({ ...context, signal: new AbortController().signal, onProgress: () => undefined });
  if (result.status !== 'completed') throw new Error(`vigil backup ended ${result.status}: ${JSON.stringify(result.log.slice(0, 5))}`);
  return (performance.now() - started) / 1000;
}

const round = (value: number) => Math.round(value * 1000) / 1000;
async function main(): Promise<void> {
  console.log(`bench dir ${root}; ${os.availableParallelism()} cores; node ${process.version}; load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}${sshd ? `; vaults on sshd 127.0.0.1:${sshd.port}` : ''}${limitUpload ? `; limitUpload ${limitUpload}` : ''}`);
  if (!resticAvailable) console.log('restic is NOT installed (apt-get install restic): only Vigil\'s figures are measured, no ratios.');
  else console.log(execFileSync('restic', ['version'], { encoding: 'utf8' }).trim());
  const gen = generate();
  console.log(`data: ${gen.files} files, ${(gen.bytes / MiB).toFixed(0)} MiB`);
  const r: Record<string, number> = {};
  const v: Record<string, number> = {};
  if (resticAvailable) restic('init', '--quiet');
  const phase = async (name: string, resticArgs: string[] | undefined, vigil: () => Promise<number>) => {
    if (resticAvailable && resticArgs) r[name] = restic(...resticArgs);
    v[name] = await vigil();
    console.log(`${name.padEnd(16)} restic ${r[name]?.toFixed(2) ?? '-'} s   vigil ${v[name]!.toFixed(2)} s`);
  };
  await phase('backup1', ['backup', '--quiet', data], vigilBackup);
  const uploaded = du(vigilVault);
  console.log(`vigil's first backup stored ${(uploaded / MiB).toFixed(1)} MiB in ${v.backup1!.toFixed(2)} s: ${(uploaded / MiB / v.backup1!).toFixed(1)} MiB/s${limitUpload ? ` (limitUpload ${limitUpload})` : ''}`);
  await phase('backup2', ['backup', '--quiet', data], vigilBackup);
  const changed = changeOnePercent(gen.bytes);
  console.log(`changed ${(changed / MiB).toFixed(1)} MiB (${((changed / gen.bytes) * 100).toFixed(2)}%)`);
  await phase('backup3', ['backup', '--quiet', data], vigilBackup);
  await phase('restore', ['restore', 'latest', '--target', path.join(root, 'restic-out')], async () => {
    const started = performance.now();
    const result = await restore(context, { to: path.join(root, 'vigil-out') });
    if (result.status !== 'completed') throw new Error(`vigil restore ended ${result.status}`);
    return (performance.now() - started) / 1000;
  });
  if (resticAvailable) r.vaultBytes = du(resticRepo);
  v.vaultBytes = du(vigilVault);
  console.log(`vault size       restic ${r.vaultBytes ? (r.vaultBytes / MiB).toFixed(1) : '-'} MiB   vigil ${(v.vaultBytes / MiB).toFixed(1)} MiB`);
  const ratios: Record<string, number> = {};
  if (resticAvailable) for (const key of Object.keys(v)) ratios[key] = round(v[key]! / r[key]!);
  const targets = { timeMax: 1.25, sizeMax: 1.1 };
  const met = resticAvailable ? Object.entries(ratios).every(([key, ratio]) => ratio <= (key === 'vaultBytes' ? targets.sizeMax : targets.timeMax)) : null;
  if (!process.env.BENCH_KEEP) rmSync(root, { recursive: true, force: true });
  const round3 = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).map(([k, x]) => [k, round(x)]));
  console.log(
    JSON.stringify({
      bench: 'engine',
      vault: sftp ? 'sftp' : 'local',
      limitUpload: limitUpload ?? null,
      uploadMiBps: round(uploaded / MiB / v.backup1!),
      loadAverage: os.loadavg().map(round),
      cores: os.availableParallelism(),
      dataBytes: gen.bytes,
      files: gen.files,
      changedBytes: changed,
      restic: resticAvailable ? round3(r) : null,
      vigil: round3(v),
      ratios: resticAvailable ? ratios : null,
      targets,
      met,
    }),
  );
}

try {
  await main();
} finally {
  await sshd?.cleanup(); // the sshd is this process's child: never left running
}
