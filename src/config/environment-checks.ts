import type { Problem } from '../domain/problem.js';
import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';
import type { VigilConfig } from './schema/index.js';
import { activeProfileName } from './semantic-checks.js';
import { readSecret } from './secrets.js';
import { isVigilError } from '../domain/errors.js';
import { channelEnvironmentProblems } from './channel-checks.js';
import { pingEnvironmentProblems } from './ping-checks.js';

/**
 * A machine-side check of the settings an adapter owns (a transport's OAuth2 keys, an engine's
 * program and password). config/ does not know the adapters: src/app/environment-checks.ts
 * passes their checks in.
 */
export type AdapterEnvironmentCheck = (config: VigilConfig, env: NodeJS.ProcessEnv, nowMs: number) => Problem[];

export interface ProfileVerification {
  name: string;
  verifiedFingerprint: string | null;
}

/**
 * Checks that look at this machine: secrets readable, files present, profiles tested.
 * Secrets are read to prove they can be, and dropped; their values are never reported.
 */
export function environmentProblems(
  config: VigilConfig,
  options: {
    env: NodeJS.ProcessEnv;
    verifications: ProfileVerification[];
    fingerprint: (name: string) => string;
    nowMs?: number;
    asService?: boolean;
    /** Run after the profile checks, in order, before the channel checks. */
    adapterChecks?: readonly AdapterEnvironmentCheck[];
  },
): Problem[] {
  const problems: Problem[] = [];
  if (!path.isAbsolute(config.dataDir) && (options.asService || runBySystemd(options.env))) {
    problems.push({
      path: ['dataDir'],
      message: `"${config.dataDir}" is relative: it resolves next to the configuration file (under /etc/vigil for the service), which the unit's ProtectSystem=strict makes read-only; give an absolute path such as /var/lib/vigil`,
      severity: 'warning',
    });
  }
  const active = activeProfileName(config);

  for (const [name, profile] of Object.entries(config.profiles)) {
    if (profile.method === 'smtp') {
      profile.servers.forEach((server, index) => {
        const at = ['profiles', name, 'servers', index];
        if (server.auth?.pass) {
          try {
            readSecret(server.auth.pass, `${at.join('.')}.auth.pass`, options.env);
          } catch (error) {
            if (!isVigilError(error)) throw error;
            problems.push({ path: [...at, 'auth', 'pass'], message: error.message.replace(/^[^:]+: /, ''), severity: 'error' });
          }
        }
        if (server.tls.caFile && !readable(server.tls.caFile)) {
          problems.push({ path: [...at, 'tls', 'caFile'], message: `cannot read ${server.tls.caFile}`, severity: 'error' });
        }
      });
    }
    if (profile.method === 'maildir' && name === active) {
      problems.push({
        path: ['profiles', name, 'method'],
        message: 'maildir: notifications are written into a local Maildir and nothing leaves this machine; configure an smtp profile to reach an administrator',
        severity: 'warning',
      });
    }
    if (profile.method !== 'maildir') {
      const state = options.verifications.find((v) => v.name === name);
      if (!state?.verifiedFingerprint) {
        problems.push({ path: ['profiles', name], message: `never verified: run \`vigil mail test --profile ${name}\``, severity: 'warning' });
      } else if (state.verifiedFingerprint !== options.fingerprint(name)) {
        problems.push({ path: ['profiles', name], message: `changed since it was verified: run \`vigil mail test --profile ${name}\` again`, severity: 'warning' });
      }
    }
  }
  const nowMs = options.nowMs ?? Date.now();
  for (const check of options.adapterChecks ?? []) problems.push(...check(config, options.env, nowMs));
  problems.push(...channelEnvironmentProblems(config, options.env));
  problems.push(...pingEnvironmentProblems(config, options.env));
  return problems;
}

function readable(file: string): boolean {
  try {
    accessSync(file, constants.R_OK);
    return existsSync(file);
  } catch {
    return false;
  }
}

/** Set by systemd for every unit it runs (INVOCATION_ID since v232; NOTIFY_SOCKET for Type=notify). */
function runBySystemd(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.INVOCATION_ID || env.NOTIFY_SOCKET);
}
