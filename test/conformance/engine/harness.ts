import type { BackupEngine } from '../../../src/backup/engine.js';

/**
 * One backup engine with what the engine suite needs around it. `set` gives the set's keys as a
 * person writes them in vigil.yaml (the suite validates them as vigil.yaml would) for a source
 * directory the suite fills; `workDir` is the engine's scratch space (the set's dataDir).
 */
export interface EngineRig {
  engine: BackupEngine;
  workDir: string;
  set(source: string): Record<string, unknown>;
  /**
   * A set whose run stays busy until it is stopped, and how the suite knows it has started:
   * `progress` (the first progress report) or a file the run creates (a program's first act).
   */
  busy(source: string): { set: Record<string, unknown>; started: 'progress' | { file: string } };
  /** The set's secrets (a repository password): never in a run's log. */
  secrets?: string[];
  /** The vault or repository, for engines that keep one (to take it away: an unmounted disk). */
  repository?: string;
  close(): Promise<void>;
}

export type OpenEngineRig = () => Promise<EngineRig>;
