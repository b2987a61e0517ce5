import type { MissingPart } from '../domain/summary.js';

/**
 * Reads a summary's parts so that one that fails is left out and named (`missing`) instead of
 * failing the whole message: a summary that does not arrive looks like "all is well" to nobody.
 */
export function partReader(): { missing: MissingPart[]; part: <T>(name: string, fallback: T, read: () => T | Promise<T>) => Promise<T> } {
  const missing: MissingPart[] = [];
  const part = async <T>(name: string, fallback: T, read: () => T | Promise<T>): Promise<T> => {
    try {
      return await read();
    } catch (error) {
      missing.push({ part: name, error: (error as Error).message ?? String(error) });
      return fallback;
    }
  };
  return { missing, part };
}
