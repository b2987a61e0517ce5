import type { HostListing } from '../../admin/host-listing.js';
import { When } from './format.js';
import { Layout, type PageContext } from './layout.js';

const TONE: Record<HostListing['state'], string> = { silent: 't-bad', stopped: 't-warn', ok: 't-ok' };

/** The hosts sharing this store, silent first: the overview's section and the Hosts page. */
export function HostsTable(props: { hosts: HostListing[]; tz: string | undefined; labelledBy: string }) {
  return (
    <div class="table-wrap">
      <table aria-labelledby={props.labelledBy}>
        <thead>
          <tr>
            <th scope="col">Host</th>
            <th scope="col">State</th>
            <th scope="col" class="hide-sm">
              Version
            </th>
            <th scope="col">Last seen</th>
            <th scope="col">Sets</th>
          </tr>
        </thead>
        <tbody>
          {props.hosts.map((h) => (
            <tr>
              <th scope="row">
                {h.name}
                {h.leader ? <span class="muted"> (leader)</span> : null}
              </th>
              <td class={TONE[h.state]}>
                {h.state}
                {h.since ? (
                  <>
                    {' '}
                    since <When ms={h.since} tz={props.tz} />
                  </>
                ) : null}
              </td>
              <td class="hide-sm">{h.version}</td>
              <td>
                <When ms={h.lastSeen} tz={props.tz} />
              </td>
              <td title={h.sets.map((s) => s.name).join(', ')}>{h.sets.length}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * The overview's hosts: a table when the store is shared by several hosts; one line for a
 * single host (nothing to compare), nothing before any service has registered.
 */
export function HostsSection(props: { hosts: HostListing[]; tz: string | undefined }) {
  const { hosts } = props;
  if (hosts.length === 0) return null;
  if (hosts.length === 1) {
    const h = hosts[0]!;
    return (
      <p class={h.state === 'ok' ? 'muted' : TONE[h.state]}>
        Host <a href="/hosts">{h.name}</a>: {h.state}
        {h.since ? (
          <>
            {' '}
            since <When ms={h.since} tz={props.tz} />
          </>
        ) : null}
      </p>
    );
  }
  const silent = hosts.filter((h) => h.state === 'silent').length;
  return (
    <section aria-labelledby="hosts">
      <h2 id="hosts">
        <a href="/hosts">Hosts</a>
        {silent ? <span class="t-bad"> — {silent} silent</span> : null}
      </h2>
      <HostsTable hosts={hosts} tz={props.tz} labelledBy="hosts" />
    </section>
  );
}

export function HostsPage(props: { page: PageContext; hosts: HostListing[] }) {
  return (
    <Layout title="Hosts" path="/hosts" page={props.page}>
      <h1 id="hosts-title">Hosts</h1>
      {props.hosts.length === 0 ? (
        <p class="muted">No hosts yet: a host is listed once its service (vigil start) has run.</p>
      ) : (
        <HostsTable hosts={props.hosts} tz={props.page.timezone} labelledBy="hosts-title" />
      )}
    </Layout>
  );
}
