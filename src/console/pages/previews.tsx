import type { PreviewView } from '../data/previews.js';
import { CONSOLE_PREVIEW_KINDS } from '../data/previews.js';
import { Layout, type PageContext } from './layout.js';

const LABEL: Record<string, string> = {
  'backup-alert': 'Backup alert',
  'backup-recovery': 'Recovery notice',
  pager: 'Pager line',
  storm: 'Storm (grouped failures)',
  escalation: 'Escalation',
  'service-fault': 'Service fault',
  'summary-daily': 'Daily summary, as it would be sent now',
  'summary-weekly': 'Weekly summary, as it would be sent now',
};

/** Links to every preview (on the Notifications page). */
export function PreviewLinks() {
  return (
    <section aria-labelledby="previews">
      <h2 id="previews">Previews</h2>
      <p class="muted">Each message as vigil notify preview and vigil admin daily|weekly --preview render it, with the configured templates; nothing is sent.</p>
      <ul>
        {CONSOLE_PREVIEW_KINDS.map((kind) => (
          <li>
            <a href={`/notifications/previews/${kind}`}>{LABEL[kind] ?? kind}</a>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** One preview: subject, pager line, the text part, and a link to the HTML part. */
export function PreviewPage(props: { page: PageContext; preview: PreviewView; sets: string[] }) {
  const { preview: p } = props;
  const isSummary = p.set === null;
  return (
    <Layout title={`Preview: ${LABEL[p.kind] ?? p.kind}`} path="/notifications" page={props.page}>
      <h1>Preview: {LABEL[p.kind] ?? p.kind}</h1>
      <p>
        <a href="/notifications">← Notifications</a>
      </p>
      {isSummary ? (
        <p class="muted">Built from the activity log now (the last {p.kind === 'summary-daily' ? '24 hours' : '7 days'}); nothing is sent or recorded.</p>
      ) : (
        <form method="get" action={`/notifications/previews/${p.kind}`} class="filters">
          <div>
            <label for="preview-set">Sample for set</label>
            <input id="preview-set" name="set" value={p.set ?? ''} list="preview-sets" />
            <datalist id="preview-sets">
              {props.sets.slice(0, 500).map((s) => (
                <option value={s} />
              ))}
            </datalist>
          </div>
          <button type="submit">Show</button>
        </form>
      )}
      <dl class="kv">
        <dt>Subject</dt>
        <dd>{p.subject}</dd>
        {p.pager !== null && p.kind !== 'pager' ? (
          <>
            <dt>Pager ({[...p.pager].length} chars)</dt>
            <dd>{p.pager}</dd>
          </>
        ) : null}
      </dl>
      <h2>Text part</h2>
      <pre>{p.text}</pre>
      {p.html !== null ? (
        <p>
          <a href={`/notifications/previews/${p.kind}/html${p.set ? `?set=${encodeURIComponent(p.set)}` : ''}`}>Open the HTML part</a>{' '}
          <span class="muted">(a separate document, sandboxed: no script, no link out)</span>
        </p>
      ) : null}
    </Layout>
  );
}
