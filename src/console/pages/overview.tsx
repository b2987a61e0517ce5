import type { DeliveryView } from '../data/delivery.js';
import type { SetsPage } from '../data/sets.js';
import { toneOf } from '../data/sets.js';
import { When } from './format.js';
import { ActionButton, Layout, StatusBadge, Trend, type PageContext } from './layout.js';

/** Every set, the ones needing a look first; and the state of mail and channels. */
export function OverviewPage(props: { page: PageContext; sets: SetsPage; pageNumber: number; pageSize: number; delivery: DeliveryView }) {
  const { page, delivery } = props;
  const { sets, total, byTone } = props.sets;
  const tz = page.timezone;
  const needLook = byTone.bad + byTone.warn;
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
