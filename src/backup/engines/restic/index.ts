export { ResticEngine } from './restic-engine.js';
export { resticSet, type ResticSetConfig } from './config.js';
