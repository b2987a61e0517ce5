import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { VigilError } from '../domain/errors.js';
import { formatBytes } from '../domain/units.js';

/** A vigil.yaml is a few kilobytes; anything this large is the wrong file. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/**
 * Reads the configuration file, refusing what is not a small regular file. `--config` is read
 * before anything else, so it must not hang or exhaust the process: a FIFO without a writer
 * blocked open() for ever, and /dev/zero was read until memory ran out. O_NONBLOCK makes the
 * open of a FIFO return at once (it means nothing for a regular file); fstat of the opened
 * descriptor then says what it is, with no race against a rename.
 */
export function readConfigFile(file: string): string {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new VigilError('ERR_CONFIG_NOT_FOUND', `cannot read configuration ${file}: ${code ?? String(error)}`, {
      hint: 'Create one with `vigil init`, or point to it with --config PATH or VIGIL_CONFIG.',
    });
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) {
      throw new VigilError('ERR_CONFIG_FILE', `${file} is not a regular file (${kindOf(stats)}); the configuration must be a file`, {
        hint: 'Point --config (or VIGIL_CONFIG) at your vigil.yaml.',
      });
    }
    if (stats.size > MAX_CONFIG_BYTES) throw tooLarge(file, stats.size);
    // Read at most one byte more than allowed: a file growing while it is read is caught too.
    const buffer = Buffer.alloc(MAX_CONFIG_BYTES + 1);
    let length = 0;
    for (let n; length < buffer.length && (n = readSync(fd, buffer, length, buffer.length - length, null)) > 0; ) length += n;
    if (length > MAX_CONFIG_BYTES) throw tooLarge(file, length);
    return buffer.toString('utf8', 0, length);
  } finally {
    closeSync(fd);
  }
}

function tooLarge(file: string, size: number): VigilError {
  return new VigilError('ERR_CONFIG_FILE', `${file} is larger than 1 MiB (${formatBytes(size)}); a vigil.yaml is a few kilobytes`, {
    hint: 'Point --config (or VIGIL_CONFIG) at your vigil.yaml.',
  });
}

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a file';
}
