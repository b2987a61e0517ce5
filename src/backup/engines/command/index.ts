export { CommandEngine, commandArgv, commandProblems } from './command-engine.js';
