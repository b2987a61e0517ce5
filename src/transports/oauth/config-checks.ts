import type { KeyPath, Problem } from '../../domain/problem.js';
import { accessSync, constants } from 'node:fs';
import type { VigilConfig } from '../../config/schema/index.js';
import type { OAuth2Config, SecretRef } from '../../config/schema/index.js';
import { readSecret } from '../../config/secrets.js';
import { describeExpiry, expiringCredentials } from '../../config/credential-expiry.js';
import { isVigilError } from '../../domain/errors.js';
import { findOnPath } from '../../backup/find-program.js';
import { loadServiceAccountKey } from './google-service-account.js';

/**
 * The machine-side checks of OAuth2 settings (smtp `auth.oauth2` and `method: graph`): secrets
 * readable, key and CA files present, token command executable, secrets about to expire.
 * Values read are dropped at once; only their key paths are reported.
 */
export function oauthEnvironmentProblems(config: VigilConfig, env: NodeJS.ProcessEnv, nowMs: number): Problem[] {
  const problems: Problem[] = [];
  const secret = (ref: SecretRef | undefined, path: KeyPath) => {
    if (!ref) return;
    try {
      readSecret(ref, path.join('.'), env);
    } catch (error) {
      if (!isVigilError(error)) throw error;
      problems.push({ path, message: error.message.replace(/^[^:]+: /, ''), severity: 'error' });
    }
  };
  const file = (value: string | undefined, path: KeyPath) => {
    if (value && !readable(value)) problems.push({ path, message: `cannot read ${value}`, severity: 'error' });
  };
  const oauth = (o: OAuth2Config, at: KeyPath) => {
    file(o.caFile, [...at, 'caFile']);
    if (o.provider === 'microsoft') secret(o.clientSecret, [...at, 'clientSecret']);
    if (o.provider === 'google') {
      secret(o.clientSecret, [...at, 'clientSecret']);
      secret(o.refreshToken, [...at, 'refreshToken']);
      if (o.serviceAccountKeyFile) {
        try {
          loadServiceAccountKey(o.serviceAccountKeyFile, [...at, 'serviceAccountKeyFile'].join('.'));
        } catch (error) {
          if (!isVigilError(error)) throw error;
          problems.push({ path: [...at, 'serviceAccountKeyFile'], message: error.message.replace(/^[^:]+: /, ''), severity: 'error' });
        }
      }
    }
    if (o.provider === 'generic') {
      secret(o.clientSecret, [...at, 'clientSecret']);
      const program = o.command?.[0];
      if (program && !findOnPath(program, env)) {
        problems.push({ path: [...at, 'command'], message: `${program} is not an executable file (or not on PATH)`, severity: 'error' });
      }
    }
  };
  for (const [name, profile] of Object.entries(config.profiles)) {
    if (profile.method === 'graph') {
      secret(profile.clientSecret, ['profiles', name, 'clientSecret']);
      file(profile.caFile, ['profiles', name, 'caFile']);
    }
    if (profile.method === 'smtp') {
      profile.servers.forEach((server, index) => {
        if (server.auth?.oauth2) oauth(server.auth.oauth2, ['profiles', name, 'servers', index, 'auth', 'oauth2']);
      });
    }
  }
  for (const c of expiringCredentials(config, nowMs)) {
    problems.push({ path: c.path, message: describeExpiry(c).replace(/^the /, ''), severity: 'warning' });
  }
  return problems;
}

function readable(file: string): boolean {
  try {
    accessSync(file, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}
