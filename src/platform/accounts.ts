import { readFileSync } from 'node:fs';

/**
 * An account as people read it: `vigil (uid 998)`, from /etc/passwd; `uid 998` when the name
 * cannot be found (no passwd entry, NSS-only accounts, not a Unix system). Used in messages about
 * who owns a file and who Vigil runs as, where a bare number explains nothing.
 */
export function accountName(uid: number): string {
  const name = passwdNames().get(uid);
  return name ? `${name} (uid ${uid})` : `uid ${uid}`;
}

/** The bare login name, or the uid as a string when it has none (for commands like `chown -R NAME`). */
export function loginName(uid: number): string {
  return passwdNames().get(uid) ?? String(uid);
}

/** The uid this process runs as, or undefined where there are no uids (Windows). */
export function currentUid(): number | undefined {
  return process.getuid?.();
}

function passwdNames(): Map<number, string> {
  const names = new Map<number, string>();
  let text = '';
  try {
    text = readFileSync('/etc/passwd', 'utf8');
  } catch {
    return names;
  }
  for (const line of text.split('\n')) {
    const [name, , uid] = line.split(':');
    if (name && uid && /^\d+$/.test(uid) && !names.has(Number(uid))) names.set(Number(uid), name);
  }
  return names;
}
