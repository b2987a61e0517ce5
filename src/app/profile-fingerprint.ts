import { createHash } from 'node:crypto';
import type { ProfileConfig } from '../config/schema/index.js';

/**
 * Identifies a profile's delivery settings (not its address book): a verified profile whose
 * servers or credentials references change is no longer verified.
 */
export function profileFingerprint(profile: ProfileConfig): string {
  const { addressBook: _addressBook, ...delivery } = profile;
  return createHash('sha256').update(JSON.stringify(delivery)).digest('hex').slice(0, 16);
}
