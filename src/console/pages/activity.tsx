import { ACTIVITY_KINDS, ACTIVITY_STATUSES, type Activity, type ActivityLogEntry } from '../../domain/activity.js';
import type { ActivityQuery } from '../data/activity.js';
import { toneOf } from '../data/sets.js';
import { bytes, duration, When } from './format.js';
import { ActionButton, Layout, StatusBadge, type PageContext } from './layout.js';

export function ActivityPage(props: { page: PageContext; query: ActivityQuery; activities: Activity[]; sets: string[]; multiHost: boolean }) {
  const { page, query } = props;
  return (
    <Layout title="Activity" path="/activity" page={page}>
      <h1>Activity</h1>
      {query.host ? (
        <p>
          Showing host <strong>{query.host}</strong> only (<a href="/activity">every host</a>).
        </p>
      ) : null}
      <form class="filters card" method="get" action="/activity" role="search" aria-label="Filter the activity log">
        <div>
          <label for="f-set">Set</label>
          <select id="f-set" name="set">
            <option value="">all</option>
            {props.sets.map((s) => (
              <option value={s} selected={query.set === s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="f-kind">Kind</label>
          <select id="f-kind" name="kind">
            <option value="">all</option>
            {ACTIVITY_KINDS.map((k) => (
              <option value={k} selected={query.kind === k}>
                {k}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="f-status">Status</label>
          <select id="f-status" name="status">
            <option value="">all</option>
            {ACTIVITY_STATUSES.map((s) => (
              <option value={s} selected={query.status === s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="f-since">Since</label>
          <input id="f-since" name="since" size={6} placeholder="24h, 7d" value={query.since ?? ''} />
        </div>
        <button type="submit">Filter</button>
      </form>
      <div class="table-wrap">
        <table aria-label="Activities, newest first">
          <thead>
            <tr>
              <th scope="col">Run</th>
              <th scope="col">Set</th>
              {props.multiHost ? <th scope="col">Host</th> : null}
              <th scope="col">Status</th>
              <th scope="col">Started</th>
              <th scope="col" class="hide-sm">
                Took
              </th>
              <th scope="col" class="hide-sm">
                Files
              </th>
              <th scope="col" class="hide-sm">
                New data
              </th>
            </tr>
          </thead>
          <tbody>
            {props.activities.map((a) => (
              <tr>
                <td>
                  <a href={`/runs/${a.id}`}>#{a.id}</a> <span class="muted">{a.kind}</span>
                </td>
                <td>{a.set ?? '—'}</td>
                {props.multiHost ? <td>{a.host ? <a href={`/activity?${new URLSearchParams({ ...query, limit: String(query.limit), host: a.host }).toString()}`}>{a.host}</a> : '—'}</td> : null}
                <td>
                  <StatusBadge tone={toneOf(a.status)} status={a.status} />
                </td>
                <td>
                  <When ms={a.startedAt} tz={page.timezone} />
                </td>
                <td class="hide-sm">{a.endedAt ? duration(a.endedAt - a.startedAt) : '—'}</td>
                <td class="hide-sm">{a.counters.files}</td>
                <td class="hide-sm">{bytes(a.counters.bytesNew)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {props.activities.length === 0 ? <p class="muted">No activity matches.</p> : null}
    </Layout>
  );
}

export function RunPage(props: { page: PageContext; activity: Activity; log: ActivityLogEntry[]; logTotal: number; search: string }) {
  const { page, activity: a } = props;
  const c = a.counters;
  return (
    <Layout title={`Run ${a.id}`} path="/runs" page={page} refreshSeconds={a.status === 'running' ? 3 : undefined}>
      <h1>
        Run #{a.id} {a.set ? `of ${a.set}` : ''} <StatusBadge tone={toneOf(a.status)} status={a.status} />
      </h1>
      <div class="card">
        <dl class="kv">
          <dt>Kind</dt>
          <dd>
            {a.kind} ({a.trigger}){a.engine ? `, engine ${a.engine}` : ''}
          </dd>
          <dt>Started</dt>
          <dd>
            <When ms={a.startedAt} tz={page.timezone} />
          </dd>
          <dt>Ended</dt>
          <dd>{a.endedAt ? <When ms={a.endedAt} tz={page.timezone} /> : 'still running (this page refreshes every 3 s)'}</dd>
          <dt>Took</dt>
          <dd>{a.endedAt ? duration(a.endedAt - a.startedAt) : '—'}</dd>
          <dt>Files</dt>
          <dd>{c.files}</dd>
          <dt>Scanned</dt>
          <dd>{bytes(c.bytesScanned)}</dd>
          <dt>New data</dt>
          <dd>{bytes(c.bytesNew)}</dd>
          <dt>Errors / warnings</dt>
          <dd>
            {c.errors} / {c.warnings}
          </dd>
          {a.snapshotId ? (
            <>
              <dt>Snapshot</dt>
              <dd>{a.snapshotId}</dd>
            </>
          ) : null}
          {a.firstError ? (
            <>
              <dt>First error</dt>
              <dd class="t-bad">{a.firstError}</dd>
            </>
          ) : null}
        </dl>
        {a.set && a.kind === 'backup' ? <ActionButton page={page} action={`/sets/${encodeURIComponent(a.set)}/run`} label={`Run ${a.set} now`} /> : null}
      </div>
      <h2 id="log">Log</h2>
      <form class="filters" method="get" action={`/runs/${a.id}`} role="search" aria-label="Search the log">
        <div>
          <label for="q">Search the log</label>
          <input id="q" name="q" value={props.search} />
        </div>
        <button type="submit">Search</button>
      </form>
      <p class="muted">
        {props.search ? `${props.log.length} of ${props.logTotal} entries match` : `${props.logTotal} entries`}
        {a.logDropped ? `; ${a.logDropped} more were not kept (the log is capped)` : ''}
      </p>
      <div class="table-wrap">
        <table aria-labelledby="log">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Severity</th>
              <th scope="col">Message</th>
            </tr>
          </thead>
          <tbody>
            {props.log.map((e) => (
              <tr>
                <td>{e.seq}</td>
                <td>
                  <StatusBadge tone={e.severity === 'info' ? 'none' : e.severity === 'warning' ? 'warn' : 'bad'} status={e.severity} />
                </td>
                <td>
                  {e.message}
                  {e.path ? <div class="muted">{e.path}</div> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Layout>
  );
}
