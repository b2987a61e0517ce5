// Read in src/platform: the service registers its version with its host too (src/app/host-presence.ts).
export { packageVersion } from '../platform/package-version.js';
