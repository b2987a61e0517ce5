/**
 * The console's one stylesheet, served at /assets/console.css (CSP: styles from 'self' only).
 * System fonts, CSS variables for light and dark, one column on a phone, a grid on a desktop.
 */
export const CONSOLE_CSS = `
:root{--bg:#f6f7f9;--fg:#1b1f24;--muted:#57606a;--card:#fff;--line:#d0d7de;--link:#0550ae;
--ok:#1a7f37;--ok-bg:#dafbe1;--warn:#7d4e00;--warn-bg:#fff8c5;--bad:#a40e26;--bad-bg:#ffebe9;--run:#0550ae;--run-bg:#ddf4ff;--none:#57606a;--none-bg:#eaeef2;--focus:#0969da}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9da7b3;--card:#161b22;--line:#30363d;--link:#79c0ff;
--ok:#56d364;--ok-bg:#12361f;--warn:#e3b341;--warn-bg:#3b2e05;--bad:#ff9492;--bad-bg:#4c1418;--run:#79c0ff;--run-bg:#0c2d4b;--none:#9da7b3;--none-bg:#21262d;--focus:#58a6ff}}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:var(--bg);color:var(--fg)}
a{color:var(--link)}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,summary:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:var(--card);padding:8px;z-index:2}
header{background:var(--card);border-bottom:1px solid var(--line)}
.bar{max-width:1200px;margin:0 auto;padding:8px 16px;display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center}
.brand{font-weight:700;font-size:1.1rem;margin-right:auto}
nav ul{display:flex;flex-wrap:wrap;gap:4px 12px;list-style:none;margin:0;padding:0}
nav a{text-decoration:none;padding:6px 4px;display:inline-block}nav a[aria-current=page]{font-weight:700;border-bottom:3px solid var(--link)}
main{max-width:1200px;margin:0 auto;padding:16px}
h1{font-size:1.5rem;margin:8px 0 16px}h2{font-size:1.15rem;margin:24px 0 8px}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px 16px;margin-bottom:12px}
.grid{display:grid;gap:12px;grid-template-columns:repeat(auto-fill,minmax(220px,1fr))}
.stat{font-size:1.6rem;font-weight:700}
.muted{color:var(--muted)}
.badge{display:inline-block;border-radius:999px;padding:0 10px;font-size:.85rem;font-weight:600;border:1px solid currentColor;white-space:nowrap}
.t-ok{color:var(--ok);background:var(--ok-bg)}.t-warn{color:var(--warn);background:var(--warn-bg)}.t-bad{color:var(--bad);background:var(--bad-bg)}.t-running{color:var(--run);background:var(--run-bg)}.t-none{color:var(--none);background:var(--none-bg)}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;background:var(--card)}
th,td{text-align:left;padding:8px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:.85rem;color:var(--muted);font-weight:600}
.trend{display:flex;gap:2px;list-style:none;margin:0;padding:0}
.trend li{width:10px;height:18px;border-radius:2px;border:1px solid var(--line)}
.d-ok{background:var(--ok)}.d-partial{background:var(--warn)}.d-bad{background:var(--bad)}.d-none{background:var(--none-bg)}
form.inline{display:inline}
button,.button{font:inherit;padding:6px 14px;border-radius:6px;border:1px solid var(--line);background:var(--card);color:var(--fg);cursor:pointer;min-height:36px}
button.primary{background:var(--link);color:var(--bg);border-color:var(--link)}
label{display:block;font-weight:600;margin:8px 0 4px}
input,select{font:inherit;padding:6px 8px;border:1px solid var(--line);border-radius:6px;background:var(--card);color:var(--fg);max-width:100%}
.filters{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:flex-end}
.flash{padding:8px 12px;border-radius:6px;margin-bottom:12px;border:1px solid currentColor}
pre{white-space:pre-wrap;word-break:break-word;background:var(--none-bg);padding:8px;border-radius:6px;font-size:.85rem;max-height:480px;overflow:auto}
dl.kv{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0}dl.kv dt{color:var(--muted)}dl.kv dd{margin:0;word-break:break-word}
.pager{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center;margin:12px 0}.pager a{padding:6px 4px}
.login{max-width:360px;margin:48px auto}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media (max-width:640px){.hide-sm{display:none}th,td{padding:6px 4px}.trend li{width:7px}}
`;
