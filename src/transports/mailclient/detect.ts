import { access, constants, lstat, readlink, realpath } from 'node:fs/promises';
import path from 'node:path';
import { KNOWN_CLIENT_NAMES, KNOWN_CLIENTS, SENDMAIL_PATH, type KnownClientName } from './catalogue.js';
import { minimalEnv } from './mail-client.js';
import type { ProgramRunner } from './program-runner.js';

/** What /usr/sbin/sendmail really is. */
export interface SendmailIdentity {
  path: string;
  exists: boolean;
  /** Every hop of the symlink chain, starting with `path`. */
  chain: string[];
  /** Undefined when the path does not resolve (a dangling link). */
  realPath?: string | undefined;
  /** The Debian alternatives link the chain passes through, if any. */
  alternatives?: string;
  /** Packages owning the path or its target (dpkg -S). */
  packages: string[];
  /** Undefined when no known client is recognised behind the path. */
  client?: KnownClientName | undefined;
}

export interface ClientPresence {
  name: KnownClientName;
  installed: boolean;
  /** The program Vigil would run. */
  path?: string;
  realPath?: string;
  via?: 'own program' | 'sendmail';
  /** Undefined when the program did not say (the version probe failed or timed out). */
  version?: string | undefined;
  /** How it was found, or where Vigil looked. */
  note: string;
}

export interface Detection {
  sendmail: SendmailIdentity;
  clients: ClientPresence[];
}

export interface DetectorOptions {
  runner: ProgramRunner;
  sendmailPath?: string;
  /** Directories searched for programs, as the service's PATH. */
  searchPath?: string[];
  /** Deadline of each probe (dpkg, version). */
  probeDeadlineMs?: number;
}

/** Programs whose presence identifies the MTA behind a sendmail that dpkg cannot name. */
const COMPANIONS: Partial<Record<KnownClientName, string>> = {
  postfix: 'postconf',
  exim: 'exim4',
  opensmtpd: 'smtpctl',
  nullmailer: 'nullmailer-send',
  dma: 'dma',
};

const DEFAULT_SEARCH_PATH = minimalEnv({}).PATH!.split(':');

/**
 * Finds the mail programs installed here. Every probe runs with a deadline through the
 * ProgramRunner, so detection cannot hang either. Never rejects.
 */
export class Detector {
  private readonly sendmailPath: string;
  private readonly searchPath: string[];
  private readonly probeDeadlineMs: number;

  constructor(private readonly options: DetectorOptions) {
    this.sendmailPath = options.sendmailPath ?? SENDMAIL_PATH;
    this.searchPath = options.searchPath ?? DEFAULT_SEARCH_PATH;
    this.probeDeadlineMs = options.probeDeadlineMs ?? 3_000;
  }

  async detect(signal?: AbortSignal): Promise<Detection> {
    const sendmail = await this.identifySendmail(signal);
    const clients = await Promise.all(KNOWN_CLIENT_NAMES.map((name) => this.presence(name, sendmail, signal)));
    return { sendmail, clients };
  }

  async identifySendmail(signal?: AbortSignal): Promise<SendmailIdentity> {
    const identity: SendmailIdentity = { path: this.sendmailPath, exists: false, chain: [this.sendmailPath], packages: [] };
    let current = this.sendmailPath;
    for (let hop = 0; hop < 16; hop += 1) {
      const stat = await lstat(current).catch(() => undefined);
      if (!stat) return identity;
      if (!stat.isSymbolicLink()) break;
      const next = path.resolve(path.dirname(current), await readlink(current));
      if (current.startsWith('/etc/alternatives/')) identity.alternatives = current;
      identity.chain.push(next);
      current = next;
    }
    identity.realPath = await realpath(this.sendmailPath).catch(() => undefined);
    identity.exists = identity.realPath !== undefined && (await isExecutable(identity.realPath));
    const owners = new Set<string>();
    for (const file of new Set([this.sendmailPath, ...(identity.realPath ? [identity.realPath] : [])])) {
      for (const owner of await this.owners(file, signal)) owners.add(owner);
    }
    identity.packages = [...owners];
    identity.client = await this.clientOf(identity);
    return identity;
  }

  private async clientOf(identity: SendmailIdentity): Promise<KnownClientName | undefined> {
    if (!identity.exists) return undefined;
    for (const name of KNOWN_CLIENT_NAMES) {
      if (KNOWN_CLIENTS[name].packages.some((p) => identity.packages.includes(p))) return name;
    }
    const basenames = identity.chain.slice(1).map((hop) => path.basename(hop));
    for (const name of KNOWN_CLIENT_NAMES) {
      if (KNOWN_CLIENTS[name].realNames.some((n) => basenames.includes(n))) return name;
    }
    for (const [name, companion] of Object.entries(COMPANIONS) as Array<[KnownClientName, string]>) {
      if (await this.which(companion)) return name;
    }
    return undefined;
  }

  private async presence(name: KnownClientName, sendmail: SendmailIdentity, signal?: AbortSignal): Promise<ClientPresence> {
    const known = KNOWN_CLIENTS[name];
    for (const program of known.programs) {
      const found = await this.which(program);
      if (found) {
        const realPath = await realpath(found).catch(() => found);
        return { name, installed: true, path: found, realPath, via: 'own program', version: await this.version(name, signal), note: `${program} on PATH` };
      }
    }
    if (sendmail.client === name && sendmail.exists) {
      return {
        name,
        installed: true,
        path: sendmail.path,
        ...(sendmail.realPath ? { realPath: sendmail.realPath } : {}),
        via: 'sendmail',
        version: await this.version(name, signal),
        note: `${sendmail.path} is ${name}${sendmail.packages.length ? ` (package ${sendmail.packages.join(', ')})` : ''}`,
      };
    }
    const looked = known.programs.length ? `no ${known.programs.join(' or ')} on PATH; ` : '';
    const what = sendmail.exists ? `${sendmail.path} is ${sendmail.client ?? 'an unknown program'}` : `there is no ${sendmail.path}`;
    return { name, installed: false, note: `${looked}${what}` };
  }

  /** A version string, or undefined when no probe answered within its deadline. */
  private async version(name: KnownClientName, signal?: AbortSignal): Promise<string | undefined> {
    const probe = KNOWN_CLIENTS[name].versionProbe;
    if (probe) {
      const program = await this.which(probe.program);
      if (program) {
        const output = await this.probe(program, probe.args, signal);
        const match = output === undefined ? null : probe.pattern.exec(output);
        if (match?.[1]) return match[1];
      }
    }
    for (const pkg of KNOWN_CLIENTS[name].packages) {
      const version = await this.probe('dpkg-query', ['-W', '-f=${Version}', pkg], signal);
      if (version && /^\d/.test(version.trim())) return version.trim();
    }
    return undefined;
  }

  /** Packages owning a file, from dpkg; empty off Debian. */
  private async owners(file: string, signal?: AbortSignal): Promise<string[]> {
    const output = await this.probe('dpkg-query', ['-S', file], signal);
    if (!output) return [];
    const owners: string[] = [];
    for (const line of output.split('\n')) {
      const match = /^([^:]+): (.+)$/.exec(line.trim());
      if (!match || match[2] !== file || line.startsWith('diversion')) continue;
      owners.push(...match[1]!.split(',').map((p) => p.trim().replace(/:.*$/, '')));
    }
    return owners;
  }

  /** Stdout of a successful probe, or undefined (missing program, failure, deadline). */
  private async probe(program: string, args: string[], signal?: AbortSignal): Promise<string | undefined> {
    const resolved = program.includes('/') ? program : await this.which(program);
    if (!resolved) return undefined;
    const result = await this.options.runner.run({
      path: resolved,
      args,
      env: minimalEnv({}),
      deadlineMs: this.probeDeadlineMs,
      graceMs: 500,
      outputCap: 16 * 1024,
      ...(signal ? { signal } : {}),
    });
    return result.exitCode === 0 ? result.stdout : undefined;
  }

  async which(program: string): Promise<string | undefined> {
    for (const dir of this.searchPath) {
      const candidate = path.join(dir, program);
      if (await isExecutable(candidate)) return candidate;
    }
    return undefined;
  }
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return (await lstat(await realpath(file))).isFile();
  } catch {
    return false;
  }
}
