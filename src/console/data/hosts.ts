import { listHosts, type HostListing } from '../../admin/host-listing.js';
import type { AppContext } from '../../app/context.js';

const ATTENTION: Record<HostListing['state'], number> = { silent: 0, stopped: 1, ok: 2 };

/** The fleet's hosts as `vigil hosts --json` lists them, silent first (they need a look), then stopped, then by name. */
export async function loadHosts(app: AppContext): Promise<HostListing[]> {
  const hosts = await listHosts(app.store, app.clock.now(), app.loaded.config.fleet.silentAfter);
  return hosts.sort((a, b) => ATTENTION[a.state] - ATTENTION[b.state] || a.name.localeCompare(b.name));
}

/** More than one host shares the store: the Activity and Outbox pages then show whose each row is. */
export async function isFleet(app: AppContext): Promise<boolean> {
  return (await app.store.hosts.list()).length > 1;
}
