/**
 * `'a', 'b'` for an `IN (…)` of constant states written into a statement (both dialects).
 * Only for our own string constants (message states): never for anything a user or a peer wrote.
 */
export const sqlList = (values: readonly string[]): string => values.map((v) => `'${v}'`).join(', ');
