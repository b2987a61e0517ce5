import { readFile } from 'node:fs/promises';
import { Client, type ConnectConfig, type SFTPWrapper } from 'ssh2';
import { VigilError } from '../../../../domain/errors.js';
import { fingerprint, hostKeyAlgorithms, keyType, knownKeysFor } from './known-hosts.js';

/** What an `sftp://` vault needs to connect. Never logged: identityFile is a path, not the key. */
export interface SftpTarget {
  host: string;
  port: number;
  username: string;
  /** Absolute directory of the vault on the server. */
  path: string;
  identityFile: string;
  knownHosts: string;
  /** Deadline of the SSH handshake and of each call that moves little data (ms). */
  timeoutMs: number;
}

export interface SftpSession {
  client: Client;
  sftp: SFTPWrapper;
}

/** `sftp://user@host:port/path` — credentials never appear in it. */
export function sftpLocation(target: SftpTarget): string {
  return `sftp://${target.username}@${target.host}:${target.port}${target.path}`;
}

/**
 * Opens an SSH connection and its SFTP channel. The server's host key must be listed for this
 * host (and port) in `knownHosts`: an unlisted or different key is ERR_VAULT_HOST_KEY naming the
 * fingerprint the server showed — Vigil never trusts a key on first use. Refused credentials are
 * ERR_VAULT_AUTH; a host that does not answer (or not within timeoutMs) is ERR_VAULT_UNREACHABLE.
 */
export async function openSftpSession(target: SftpTarget, onClose: () => void): Promise<SftpSession> {
  const where = `${target.host}:${target.port}`;
  const knownText = await readFile(target.knownHosts, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new VigilError('ERR_VAULT_HOST_KEY', `cannot read knownHosts ${target.knownHosts} (${error.code ?? error.message}), so the host key of ${where} cannot be checked`, {
      cause: error,
      hint: `Create it with the server's key, checked out of band: ssh-keyscan -p ${target.port} ${target.host} > ${target.knownHosts}, then compare \`ssh-keygen -lf ${target.knownHosts}\` with the server's own \`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub\`.`,
    });
  });
  const privateKey = await readFile(target.identityFile).catch((error: NodeJS.ErrnoException) => {
    throw new VigilError('ERR_VAULT_AUTH', `cannot read identityFile ${target.identityFile} (${error.code ?? error.message})`, {
      cause: error,
      hint: 'Give the path of a private key the account Vigil runs as can read (mode 0600), e.g. made with ssh-keygen -t ed25519 -N "" -f /etc/vigil/id_ed25519.',
    });
  });
  const known = knownKeysFor(knownText, target.host, target.port);
  let rejection: VigilError | undefined;
  const verify = (key: Buffer): boolean => {
    const shown = `${keyType(key)} ${fingerprint(key)}`;
    if (known.some((entry) => entry.revoked && entry.key.equals(key))) {
      rejection = hostKeyError(`the host key of ${where} (${shown}) is marked @revoked in ${target.knownHosts}`, target);
      return false;
    }
    if (known.some((entry) => !entry.revoked && entry.key.equals(key))) return true;
    rejection = known.length
      ? hostKeyError(`the host key of ${where} is ${shown}, but ${target.knownHosts} lists another key for it (${known.map((entry) => `${entry.type} ${fingerprint(entry.key)}`).join(', ')}): the server was replaced, or someone is in between`, target)
      : hostKeyError(`the host key of ${where} (${shown}) is not in ${target.knownHosts}; Vigil does not trust a host key on first use`, target);
    return false;
  };
  const client = new Client();
  const config: ConnectConfig = {
    host: target.host,
    port: target.port,
    username: target.username,
    privateKey,
    readyTimeout: target.timeoutMs,
    keepaliveInterval: 15_000,
    keepaliveCountMax: 3,
    hostVerifier: verify as unknown as NonNullable<ConnectConfig['hostVerifier']>,
    // Ask for the kind of key knownHosts holds, as ssh does, so a server with several keys shows that one.
    ...(known.length ? { algorithms: { serverHostKey: hostKeyAlgorithms(known.filter((k) => !k.revoked).map((k) => k.type)) as never } } : {}),
  };
  const ready = new Promise<void>((resolve, reject) => {
    client.once('ready', resolve);
    // `on`, not `once`: a handshake that timed out emits a second error ("Connection lost before
    // handshake") when the socket is destroyed, and an unheard 'error' event crashes the process.
    client.on('error', (error: Error & { level?: string }) => reject(classifyConnectError(error, target, rejection)));
    client.once('close', () => reject(rejection ?? unreachable(`${where} closed the connection during the SSH handshake`, target)));
  });
  try {
    // ssh2 throws at once (not through 'error') on a key it cannot parse.
    try {
      client.connect(config);
    } catch (error) {
      throw classifyConnectError(error as Error, target, rejection);
    }
    await ready;
  } catch (error) {
    client.destroy();
    throw error;
  }
  const sftp = await new Promise<SFTPWrapper>((resolve, reject) => {
    client.sftp((error, channel) => (error ? reject(unreachable(`${where} refused the SFTP subsystem (${error.message})`, target, error)) : resolve(channel)));
  }).catch((error: unknown) => {
    client.destroy();
    throw error;
  });
  client.on('error', () => undefined); // later errors surface through the pending calls
  client.on('close', onClose);
  return { client, sftp };
}

function classifyConnectError(error: Error & { level?: string; code?: string }, target: SftpTarget, rejection: VigilError | undefined): VigilError {
  if (rejection) return rejection;
  const where = `${target.host}:${target.port}`;
  if (error.level === 'client-authentication') {
    return new VigilError('ERR_VAULT_AUTH', `${where} refused the key ${target.identityFile} for user ${target.username}`, {
      cause: error,
      hint: `Add the public key to ~${target.username}/.ssh/authorized_keys on the server (ssh-copy-id -i ${target.identityFile} -p ${target.port} ${target.username}@${target.host}), and check the user name in the vault's url.`,
    });
  }
  if (error.level === 'client-timeout') return unreachable(`${where} did not complete the SSH handshake within ${target.timeoutMs / 1000} s`, target, error);
  if (/private key|parse|passphrase/i.test(error.message) && !error.level?.startsWith('client-socket')) {
    return new VigilError('ERR_VAULT_AUTH', `identityFile ${target.identityFile} is not a usable private key (${error.message})`, {
      cause: error,
      hint: 'Use an unencrypted OpenSSH or PEM private key (ssh-keygen -t ed25519 -N "").',
    });
  }
  return unreachable(`cannot connect to ${where}: ${error.code ?? error.message}`, target, error);
}

function hostKeyError(message: string, target: SftpTarget): VigilError {
  return new VigilError('ERR_VAULT_HOST_KEY', message, {
    hint: `If the server's key really changed, check the new fingerprint on the server (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub) and replace the line in ${target.knownHosts} (ssh-keygen -R '[${target.host}]:${target.port}' -f ${target.knownHosts}; ssh-keyscan -p ${target.port} ${target.host} >> ${target.knownHosts}).`,
  });
}

export function unreachable(message: string, target: SftpTarget, cause?: unknown): VigilError {
  return new VigilError('ERR_VAULT_UNREACHABLE', `SFTP vault ${sftpLocation(target)}: ${message}`, {
    ...(cause === undefined ? {} : { cause }),
    hint: 'Check that the server is up and reachable from this host (ssh -p PORT USER@HOST), then run again; packs already stored are not sent again.',
  });
}
