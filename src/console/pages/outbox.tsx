import { MESSAGE_STATES, PENDING_STATES, type StoredMessage } from '../../domain/message.js';
import type { AttemptRow } from '../../storage/ports/outbox-store.js';
import type { OutboxQuery } from '../data/outbox.js';
import type { Tone } from '../data/sets.js';
import { When } from './format.js';
import { ActionButton, Layout, StatusBadge, type PageContext } from './layout.js';

const STATE_TONE: Record<string, Tone> = { sent: 'ok', 'queued-locally': 'warn', queued: 'running', sending: 'running', deferred: 'warn', failed: 'bad', expired: 'bad' };

export function OutboxPage(props: { page: PageContext; query: OutboxQuery; messages: StoredMessage[]; counts: Record<string, number>; multiHost: boolean }) {
  const { page, query } = props;
  return (
    <Layout title="Outbox" path="/outbox" page={page}>
      <h1>Outbox</h1>
      <nav aria-label="Messages by state">
        <ul class="filters">
          <li>
            <a href="/outbox" aria-current={query.state ? undefined : 'page'}>
              all
            </a>
          </li>
          {[...MESSAGE_STATES, 'stuck' as const].map((s) => (
            <li>
              <a href={`/outbox?state=${s}`} aria-current={query.state === s ? 'page' : undefined}>
                {s} {s in props.counts ? `(${props.counts[s]})` : ''}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {query.host ? (
        <p>
          Showing host <strong>{query.host}</strong> only (<a href={query.state ? `/outbox?state=${query.state}` : '/outbox'}>every host</a>).
        </p>
      ) : null}
      {query.profile ? (
        <p>
          Showing route <strong>{query.profile}</strong> only (<a href={query.state ? `/outbox?state=${query.state}` : '/outbox'}>every route</a>).{' '}
          {query.state === 'deferred' || query.state === undefined ? (
            <ActionButton page={page} action={`/outbox/deferred/${encodeURIComponent(query.profile)}/retry`} label={`Retry all deferred of ${query.profile}`} />
          ) : null}
        </p>
      ) : null}
      <div class="table-wrap">
        <table aria-label="Messages, newest first">
          <thead>
            <tr>
              <th scope="col">Subject</th>
              <th scope="col">State</th>
              <th scope="col" class="hide-sm">
                Route
              </th>
              {props.multiHost ? <th scope="col">Host</th> : null}
              <th scope="col">Created</th>
              <th scope="col" class="hide-sm">
                Tries
              </th>
            </tr>
          </thead>
          <tbody>
            {props.messages.map((m) => (
              <tr>
                <td>
                  <a href={`/outbox/${encodeURIComponent(m.id)}`}>{m.subject}</a>
                  <div class="muted">
                    {m.kind} · {m.severity}
                  </div>
                </td>
                <td>
                  <StatusBadge tone={STATE_TONE[m.state] ?? 'none'} status={m.state + (m.possibleDuplicate ? ' *' : '')} />
                </td>
                <td class="hide-sm">
                  <a href={`/outbox?${new URLSearchParams({ ...(query.state ? { state: query.state } : {}), profile: m.profile }).toString()}`}>{m.profile}</a>
                </td>
                {props.multiHost ? <td>{m.host ? <a href={`/outbox?${new URLSearchParams({ ...(query.state ? { state: query.state } : {}), host: m.host }).toString()}`}>{m.host}</a> : '—'}</td> : null}
                <td>
                  <When ms={m.createdAt} tz={page.timezone} />
                </td>
                <td class="hide-sm">{m.attempts}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {props.messages.length === 0 ? <p class="muted">No messages{query.state ? ` in state ${query.state}` : ''}.</p> : null}
    </Layout>
  );
}

export function MessagePage(props: { page: PageContext; message: StoredMessage; attempts: AttemptRow[] }) {
  const { page, message: m } = props;
  const pending = PENDING_STATES.includes(m.state);
  return (
    <Layout title={m.subject} path="/outbox" page={page}>
      <h1>
        {m.subject} <StatusBadge tone={STATE_TONE[m.state] ?? 'none'} status={m.state} />
      </h1>
      <div class="card">
        <dl class="kv">
          <dt>Id</dt>
          <dd>{m.id}</dd>
          <dt>Message-ID</dt>
          <dd>{m.messageId}</dd>
          <dt>Kind</dt>
          <dd>
            {m.kind} ({m.severity})
          </dd>
          <dt>Route</dt>
          <dd>{m.profile}</dd>
          {/* With a shared Outbox another host may deliver a gone host's message: say which (as vigil outbox show). */}
          {m.host ? (
            <>
              <dt>Enqueued by</dt>
              <dd>{m.host}</dd>
            </>
          ) : null}
          <dt>Delivered by</dt>
          <dd>{m.deliveredBy ?? '—'}</dd>
          <dt>From</dt>
          <dd>{m.envelope.from}</dd>
          <dt>To</dt>
          <dd>{m.envelope.to.join(', ')}</dd>
          <dt>Created</dt>
          <dd>
            <When ms={m.createdAt} tz={page.timezone} />
          </dd>
          <dt>Next attempt</dt>
          <dd>{pending ? <When ms={m.nextAttemptAt} tz={page.timezone} /> : '—'}</dd>
          <dt>Last error</dt>
          <dd>{m.lastError ?? '—'}</dd>
          {m.possibleDuplicate ? (
            <>
              <dt>Note</dt>
              <dd class="t-warn">possible duplicate: an earlier attempt may have delivered it</dd>
            </>
          ) : null}
        </dl>
        {m.state !== 'sending' ? <ActionButton page={page} action={`/outbox/${encodeURIComponent(m.id)}/retry`} label="Retry now" primary /> : null}
      </div>
      <h2>Attempts ({props.attempts.length})</h2>
      {props.attempts.map((a, i) => (
        <section class="card" aria-label={`Attempt ${i + 1}`}>
          <h3>
            Attempt {i + 1}: {a.outcome} <span class="muted">via {a.transport}{a.server ? ` ${a.server}` : ''}{a.host ? `, by ${a.host}` : ''}, {a.durationMs} ms</span>
          </h3>
          <p>
            <When ms={a.startedAt} tz={page.timezone} /> — {a.detail}
          </p>
          {a.replyText ? <p>Reply: {a.replyCode ? `${a.replyCode} ` : ''}{a.replyText}</p> : null}
          {a.transcript ? (
            <details>
              <summary>Transcript (credentials redacted)</summary>
              <pre>{a.transcript}</pre>
            </details>
          ) : null}
        </section>
      ))}
    </Layout>
  );
}
