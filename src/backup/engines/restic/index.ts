export { ResticEngine, resticProblems } from './restic-engine.js';
