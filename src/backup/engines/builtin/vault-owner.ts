import { promises as fsp } from 'node:fs';
import { VigilError } from '../../../domain/errors.js';
import { accountName, currentUid, loginName } from '../../../platform/accounts.js';

/**
 * Root writing into a vault another account owns leaves root-owned packs, index files and
 * directories that account cannot read: its next run fails. So root refuses, unless told
 * (`--allow-root`). Returns the refusal, or undefined when writing is fine: not root, the vault
 * is root's own, or its owner cannot be read (then the write itself will say what is wrong).
 */
export async function rootWriteRefusal(root: string, command: string): Promise<VigilError | undefined> {
  if (currentUid() !== 0) return undefined;
  const owner = (await fsp.stat(root).catch(() => undefined))?.uid;
  if (owner === undefined || owner === 0) return undefined;
  const login = loginName(owner);
  return new VigilError('ERR_VAULT_OWNER', `refusing to write vault ${root} as root: it belongs to ${accountName(owner)}, who could not read the files root would leave there, and whose runs would then fail; pass --allow-root to do it anyway`, {
    hint: `Run it as the vault's owner: sudo -u ${login} vigil ${command}. With --allow-root, give the files back afterwards: chown -R ${login}: ${root}.`,
  });
}
