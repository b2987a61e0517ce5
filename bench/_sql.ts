import { openDatabase } from '../src/storage/sqlite/database.js';
const db = openDatabase('bench/out/console/var/vigil.db');
const names = Array.from({ length: 1000 }, (_v, i) => `set-${String(i).padStart(4, '0')}`);
function t(label: string, f: () => unknown) { const ts: number[] = []; let r: unknown; for (let i = 0; i < 8; i++) { const t0 = performance.now(); r = f(); ts.push(performance.now() - t0); } ts.sort((a,b)=>a-b); console.log(label, ts.map(x=>x.toFixed(1)).join(' '), Array.isArray(r) ? r.length : ''); }
const lastQ = db.prepare(`WITH s(name) AS (SELECT value FROM json_each(?))
 SELECT a.id, a.set_name, a.status, a.started_at, a.ended_at, a.first_error FROM s JOIN activities a ON a.id = (SELECT id FROM activities WHERE set_name = s.name AND kind = 'backup' AND ended_at IS NOT NULL ORDER BY started_at DESC LIMIT 1)`);
t('lastRuns one stmt', () => lastQ.all(JSON.stringify(names)));
console.log(db.prepare('EXPLAIN QUERY PLAN ' + lastQ.source).all(JSON.stringify(names)).map((r: any) => r.detail).join(' | '));
const succQ = db.prepare(`WITH s(name) AS (SELECT value FROM json_each(?))
 SELECT a.id, a.set_name, a.started_at, a.ended_at, a.files, a.bytes_scanned, a.bytes_new FROM s JOIN activities a ON a.id IN (SELECT id FROM activities WHERE set_name = s.name AND kind = 'backup' AND status IN ('completed','completed-with-warnings') ORDER BY started_at DESC LIMIT ?)`);
t('success one stmt lim1', () => succQ.all(JSON.stringify(names), 1));
t('success one stmt lim10', () => succQ.all(JSON.stringify(names), 10));
console.log(db.prepare('EXPLAIN QUERY PLAN ' + succQ.source).all(JSON.stringify(names), 1).map((r: any) => r.detail).join(' | '));
const comb = db.prepare(`WITH s(name) AS (SELECT value FROM json_each(?)),
 ids AS (SELECT s.name, (SELECT id FROM activities WHERE set_name = s.name AND kind = 'backup' AND ended_at IS NOT NULL ORDER BY started_at DESC LIMIT 1) AS last,
   (SELECT id FROM activities WHERE set_name = s.name AND kind = 'backup' AND status IN ('completed','completed-with-warnings') ORDER BY started_at DESC LIMIT 1) AS ok FROM s)
 SELECT ids.name, l.status, l.started_at, l.ended_at, l.first_error, o.id AS okid, o.started_at AS okst, o.ended_at AS oken, o.files, o.bytes_scanned, o.bytes_new FROM ids LEFT JOIN activities l ON l.id = ids.last LEFT JOIN activities o ON o.id = ids.ok`);
t('combined', () => comb.all(JSON.stringify(names)));
db.exec(`CREATE INDEX IF NOT EXISTS tmp_set_kind ON activities (set_name, kind, started_at, status, ended_at)`);
t('lastRuns one stmt +idx', () => lastQ.all(JSON.stringify(names)));
t('success one stmt lim1 +idx', () => succQ.all(JSON.stringify(names), 1));
t('combined +idx', () => comb.all(JSON.stringify(names)));
console.log(db.prepare('EXPLAIN QUERY PLAN ' + comb.source).all(JSON.stringify(names)).map((r: any) => r.detail).join(' | '));
db.exec('DROP INDEX tmp_set_kind');
db.close();
