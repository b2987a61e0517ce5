export { CommandEngine, commandArgv } from './command-engine.js';
export { commandSet, type CommandSetConfig } from './config.js';
