import type { DeliveryView } from '../data/delivery.js';
import type { SetsPage } from '../data/sets.js';
import { toneOf } from '../data/sets.js';
import { When } from './format.js';
import { anomalyText } from '../../admin/format.js';
import { ActionButton, CsrfField, Layout, StatusBadge, Trend, type PageContext } from './layout.js';
import { HostsSection } from './hosts.js';
import type { HostListing } from '../../admin/host-listing.js';
import { EVERY_SET, type AlertPause } from '../../storage/ports/alert-pause-store.js';

/** Every set, the ones needing a look first; and the state of mail and channels. */
export function OverviewPage(props: { page: PageContext; sets: SetsPage; pageNumber: number; pageSize: number; delivery: DeliveryView; pauses: AlertPause[]; hosts: HostListing[] }) {
  const { page, delivery } = props;
  const { sets, total, byTone } = props.sets;
  const tz = page.timezone;
  const needLook = byTone.bad + byTone.warn;
  const anomalous = sets.filter((s) => s.anomalies.length > 0).length;
  const paused = delivery.routes.filter((r) => r.paused);
  const pending = delivery.byState.queued + delivery.byState.deferred + delivery.byState.sending;
  return (
    <Layout title="Overview" path="/" page={page}>
      <h1>Overview</h1>
      <section aria-labelledby="glance" class="grid">
        <h2 id="glance" class="visually-hidden">
          At a glance
        </h2>
        <div class="card">
          <div class="stat">{needLook}</div>
          <div class={needLook ? 't-bad' : 'muted'}>{needLook === 1 ? 'set needs a look' : 'sets need a look'}</div>
          <div class="muted">of {total} sets</div>
          {anomalous ? (
            <div class="t-warn">
              {anomalous} with an anomaly on this page
            </div>
          ) : null}
        </div>
        <div class="card">
          <div class="stat">{pending}</div>
          <div class="muted">messages waiting in the Outbox</div>
          <div class={delivery.stuck ? 't-bad' : 'muted'}>{delivery.stuck} stuck</div>
          {delivery.oldestCriticalPendingAt ? (
            <div class="t-bad">
              critical since <When ms={delivery.oldestCriticalPendingAt} tz={tz} />
            </div>
          ) : null}
        </div>
        <div class="card">
          <div class="stat">{delivery.byState.failed + delivery.byState.expired}</div>
          <div class="muted">messages failed or expired</div>
          <div class={delivery.unreportedEscalations ? 't-bad' : 'muted'}>{delivery.unreportedEscalations} escalations not yet reported</div>
        </div>
        <div class="card">
          <div class="stat">{paused.length}</div>
          <div class="muted">paused profiles and channels</div>
          {paused.map((r) => (
            <div class="t-bad">
              <a href="/notifications">{r.name}</a>: {r.pauseReason ?? 'paused'}
            </div>
          ))}
        </div>
      </section>
      <HostsSection hosts={props.hosts} tz={tz} />
      <Maintenance page={page} pauses={props.pauses} />
      <h2 id="sets">Backup sets</h2>
      <div class="table-wrap">
        <table aria-labelledby="sets">
          <thead>
            <tr>
              <th scope="col">Set</th>
              <th scope="col">Status</th>
              <th scope="col">Last run</th>
              <th scope="col" class="hide-sm">
                Next run
              </th>
              <th scope="col" class="hide-sm">
                14 days
              </th>
              {page.readOnly ? null : (
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {sets.map((s) => (
              <tr>
                <th scope="row">
                  <a href={`/activity?set=${encodeURIComponent(s.name)}`}>{s.name}</a>
                  <div class="muted">{s.engine}</div>
                </th>
                <td>
                  <StatusBadge tone={s.running ? 'running' : s.tone} status={s.running ? 'running' : s.status} />
                  {s.lastRun?.firstError ? <div class="muted">{s.lastRun.firstError.slice(0, 160)}</div> : null}
                  {s.anomalies.map((a) => (
                    <div class="t-warn">
                      <a href={`/runs/${a.activityId}`}>anomaly</a>: {anomalyText(a).slice(s.name.length + 2)}
                    </div>
                  ))}
                </td>
                <td>
                  {s.lastRun ? (
                    <a href={`/runs/${s.lastRun.activityId}`}>
                      <When ms={s.lastRun.endedAt} tz={tz} />
                      <span class="visually-hidden">, run {s.lastRun.activityId} of {s.name}</span>
                    </a>
                  ) : (
                    <span class="muted">never</span>
                  )}
                </td>
                <td class="hide-sm">
                  <When ms={s.nextRunAt} tz={tz} />
                </td>
                <td class="hide-sm">
                  <Trend days={s.trend} set={s.name} />
                </td>
                {page.readOnly ? null : (
                  <td>
                    <ActionButton page={page} action={`/sets/${encodeURIComponent(s.name)}/run`} label="Run now" />
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {total === 0 ? <p class="muted">No backup sets: add them under sets: in vigil.yaml.</p> : null}
      <Pager pageNumber={props.pageNumber} pages={Math.ceil(total / props.pageSize)} first={props.sets.offset + 1} last={props.sets.offset + sets.length} total={total} />
      <p class="muted">Times in {tz ?? 'the host’s time zone'}. Statuses: {['completed', 'completed-with-warnings', 'failed'].map((s) => <StatusBadge tone={toneOf(s)} status={s} />)}</p>
    </Layout>
  );
}

/** Previous/next links between pages of sets (only when there is more than one). */
function Pager(props: { pageNumber: number; pages: number; first: number; last: number; total: number }) {
  const { pageNumber, pages } = props;
  if (pages <= 1 && pageNumber === 1) return null;
  return (
    <nav aria-label="Pages of sets" class="pager">
      {pageNumber > 1 ? (
        <a href={`/?page=${pageNumber - 1}`} rel="prev">
          ← Previous
        </a>
      ) : null}
      <span class="muted">
        {props.last >= props.first ? `sets ${props.first}–${props.last} of ${props.total}` : `no sets on page ${pageNumber}`} (page {pageNumber} of {Math.max(pages, 1)})
      </span>
      {pageNumber < pages ? (
        <a href={`/?page=${pageNumber + 1}`} rel="next">
          Next →
        </a>
      ) : null}
    </nav>
  );
}

/**
 * Maintenance mode (vigil pause / resume): what is paused, and the forms to pause (every set or
 * one, for a while or until resumed) and resume. Backups still run and are recorded.
 */
function Maintenance(props: { page: PageContext; pauses: AlertPause[] }) {
  const { page, pauses } = props;
  const tz = page.timezone;
  return (
    <section aria-labelledby="maintenance" class="card">
      <h2 id="maintenance">Maintenance</h2>
      {pauses.length === 0 ? (
        <p class="muted">Alerts are not paused.</p>
      ) : (
        <ul>
          {pauses.map((p) => (
            <li class="t-warn">
              Alerts of {p.set === EVERY_SET ? 'every set' : p.set} paused since <When ms={p.since} tz={tz} /> {p.until === null ? 'until resumed' : <>until <When ms={p.until} tz={tz} /></>}
            </li>
          ))}
        </ul>
      )}
      {page.readOnly ? null : (
        <div class="filters">
          <form method="post" action="/pause" class="filters">
            <CsrfField page={page} />
            <div>
              <label for="pause-set">Set (empty: every set)</label>
              <input id="pause-set" name="set" />
            </div>
            <div>
              <label for="pause-for">For (30m, 2h, 1d; empty: until resumed)</label>
              <input id="pause-for" name="for" />
            </div>
            <button type="submit">Pause alerts</button>
          </form>
          {pauses.length ? <ActionButton page={page} action="/resume" label="Resume all alerts" /> : null}
        </div>
      )}
    </section>
  );
}
