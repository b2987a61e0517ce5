/**
 * Recipients as users write them — address-book group names or addresses — resolved to
 * addresses, in order, without duplicates. Unknown group names are returned separately so the
 * caller can report them (config check catches them earlier).
 */
export function resolveRecipients(entries: readonly string[], addressBook: Readonly<Record<string, readonly string[]>>): { addresses: string[]; unknown: string[] } {
  const addresses: string[] = [];
  const unknown: string[] = [];
  const seen = new Set<string>();
  const add = (address: string) => {
    const key = address.toLowerCase();
    if (!seen.has(key)) {
      seen.add(key);
      addresses.push(address);
    }
  };
  for (const entry of entries) {
    if (entry.includes('@')) add(entry);
    else if (addressBook[entry]) addressBook[entry].forEach(add);
    else unknown.push(entry);
  }
  return { addresses, unknown };
}
