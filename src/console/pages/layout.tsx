import type { Child } from 'hono/jsx';
import type { Tone } from '../data/sets.js';

/** What every page gets: who is logged in, the CSRF token for its forms, a one-time notice. */
export interface PageContext {
  user: string | undefined;
  csrf: string | undefined;
  readOnly: boolean;
  timezone: string | undefined;
  hostname: string;
  flash?: { ok: boolean; text: string } | undefined;
}

const NAV = [
  ['/', 'Overview'],
  ['/activity', 'Activity'],
  ['/outbox', 'Outbox'],
  ['/notifications', 'Notifications'],
  ['/hosts', 'Hosts'],
] as const;

export function Layout(props: { title: string; path: string; page: PageContext; refreshSeconds?: number | undefined; children?: Child }) {
  const { page } = props;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        {props.refreshSeconds ? <meta http-equiv="refresh" content={String(props.refreshSeconds)} /> : null}
        <title>{`${props.title} · Vigil on ${page.hostname}`}</title>
        <link rel="stylesheet" href="/assets/console.css" />
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header>
          <div class="bar">
            <span class="brand">Vigil · {page.hostname}</span>
            {page.user ? (
              <nav aria-label="Main">
                <ul>
                  {NAV.map(([href, label]) => (
                    <li>
                      <a href={href} aria-current={isCurrent(props.path, href) ? 'page' : undefined}>
                        {label}
                      </a>
                    </li>
                  ))}
                </ul>
              </nav>
            ) : null}
            {page.user ? (
              <form class="inline" method="post" action="/logout">
                <CsrfField page={page} />
                <span class="muted">{page.user}</span> <button type="submit">Log out</button>
              </form>
            ) : null}
          </div>
        </header>
        <main id="main">
          {page.flash ? (
            <p class={`flash ${page.flash.ok ? 't-ok' : 't-bad'}`} role="status">
              {page.flash.text}
            </p>
          ) : null}
          {page.readOnly && page.user ? <p class="muted">Read-only console (vigil console): nothing can be changed from here.</p> : null}
          {props.children}
        </main>
      </body>
    </html>
  );
}

function isCurrent(path: string, href: string): boolean {
  return href === '/' ? path === '/' : path.startsWith(href) || (href === '/activity' && path.startsWith('/runs'));
}

export function CsrfField(props: { page: PageContext }) {
  return <input type="hidden" name="_csrf" value={props.page.csrf ?? ''} />;
}

/** A POST button for a state change; absent in a read-only console. */
export function ActionButton(props: { page: PageContext; action: string; label: string; primary?: boolean; describedBy?: string }) {
  if (props.page.readOnly) return null;
  return (
    <form class="inline" method="post" action={props.action}>
      <CsrfField page={props.page} />
      <button type="submit" class={props.primary ? 'primary' : undefined} aria-describedby={props.describedBy}>
        {props.label}
      </button>
    </form>
  );
}

const TONE_WORD: Record<Tone, string> = { ok: 'OK', warn: 'warning', bad: 'needs a look', running: 'running', none: '—' };

/** Status with colour and words (colour alone says nothing to a screen reader or a colour-blind eye). */
export function StatusBadge(props: { tone: Tone; status: string }) {
  return (
    <span class={`badge t-${props.tone}`} title={TONE_WORD[props.tone]}>
      {props.status}
    </span>
  );
}

export function Trend(props: { days: Array<{ label: string; state: string }>; set: string }) {
  const bad = props.days.filter((d) => d.state === 'bad').length;
  const partial = props.days.filter((d) => d.state === 'partial').length;
  const ok = props.days.filter((d) => d.state === 'ok').length;
  return (
    <ul class="trend" aria-label={`${props.set}, last ${props.days.length} days: ${ok} good, ${partial} with warnings, ${bad} failed`}>
      {props.days.map((d) => (
        <li class={`d-${d.state}`} title={`${d.label}: ${d.state}`} />
      ))}
    </ul>
  );
}
