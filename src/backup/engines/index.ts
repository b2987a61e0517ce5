import type { BackupEngine } from '../engine.js';
import { BuiltinEngine } from './builtin/index.js';
import { CommandEngine } from './command/index.js';
import { ResticEngine } from './restic/index.js';

/**
 * The engines this build has, by kind. A set whose engine is not here is recorded `failed`
 * with "engine <kind> is not available in this build" (see BackupRunner).
 */
export function createEngines(): Map<string, BackupEngine> {
  const engines: BackupEngine[] = [new BuiltinEngine(), new CommandEngine(), new ResticEngine()];
  return new Map(engines.map((engine) => [engine.kind, engine]));
}
