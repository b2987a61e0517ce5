import type { BackupSetConfig } from '../config/schema/index.js';
import { VigilError } from '../domain/errors.js';
import type { BackupEngine, EngineOperation } from './engine.js';

/** An engine known to have the operation `O`. */
export type EngineWith<O extends EngineOperation> = BackupEngine & Required<Pick<BackupEngine, O>>;

/** Whether the engine has the operation (it declares the method). */
export function engineCan<O extends EngineOperation>(engine: BackupEngine, operation: O): engine is EngineWith<O> {
  return typeof engine[operation] === 'function';
}

/**
 * The engine of a set, known to have the operation — or a usage error saying that the set's
 * engine cannot do it, and where to turn instead. `command` names the CLI command in the message.
 */
export function engineFor<O extends EngineOperation>(engines: ReadonlyMap<string, BackupEngine>, setName: string, set: BackupSetConfig, operation: O, command: string): EngineWith<O> {
  const engine = engines.get(set.engine);
  if (!engine) throw new VigilError('ERR_USAGE', `set "${setName}" uses the ${set.engine} engine, which this build does not have`);
  if (!engineCan(engine, operation)) {
    const hint = engine.elsewhere?.[operation];
    throw new VigilError('ERR_USAGE', `set "${setName}" uses the ${set.engine} engine, which cannot ${operation === 'snapshots' ? 'list snapshots' : operation}: vigil ${command} does not apply to it`, hint ? { hint } : {});
  }
  return engine;
}
