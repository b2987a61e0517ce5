import type { RouteView } from '../data/delivery.js';
import { When } from './format.js';
import { ActionButton, Layout, StatusBadge, type PageContext } from './layout.js';
import { PreviewLinks } from './previews.js';

/** Mail Profiles and channels with their last result and a Send test button each. */
export function NotificationsPage(props: { page: PageContext; routes: RouteView[] }) {
  const { page } = props;
  return (
    <Layout title="Notifications" path="/notifications" page={page}>
      <h1>Notifications</h1>
      <p class="muted">Send test delivers a test message through the real path (as vigil mail test / vigil notify test do) and shows what happened.</p>
      <div class="grid">
        {props.routes.map((r) => {
          const id = `route-${r.kind}-${r.name}`.replace(/[^A-Za-z0-9_-]/g, '-');
          return (
            <section class="card" aria-labelledby={id}>
              <h2 id={id}>
                {r.name} <span class="muted">{r.kind === 'profile' ? `Mail Profile (${r.type})` : `channel (${r.type})`}</span>
              </h2>
              <p id={`${id}-state`}>
                {r.paused ? (
                  <>
                    <StatusBadge tone="bad" status="paused" /> until <When ms={r.pausedUntil} tz={page.timezone} />: {r.pauseReason}
                  </>
                ) : (
                  <StatusBadge tone="ok" status="active" />
                )}
                {r.kind === 'profile' ? (
                  <span class="muted"> {r.verifiedAt ? <>verified <When ms={r.verifiedAt} tz={page.timezone} /></> : 'not verified by a test yet'}</span>
                ) : null}
              </p>
              {r.endpoint ? <p class="muted">endpoint {r.endpoint}</p> : null}
              <p>
                Last message:{' '}
                {r.last ? (
                  <>
                    <a href={`/outbox/${encodeURIComponent(r.last.id)}`}>{r.last.kind}</a> {r.last.state} <When ms={r.last.at} tz={page.timezone} />
                    {r.last.error ? <div class="t-bad">{r.last.error}</div> : null}
                  </>
                ) : (
                  <span class="muted">none yet</span>
                )}
              </p>
              <ActionButton page={page} action={`/notifications/${encodeURIComponent(r.name)}/test`} label={`Send test via ${r.name}`} describedBy={`${id}-state`} />
            </section>
          );
        })}
      </div>
      {props.routes.length === 0 ? <p class="muted">No Mail Profiles or channels are configured.</p> : null}
      <PreviewLinks />
    </Layout>
  );
}
