/**
 * bench:fleet (4)'s measurement, in its own process so its peak RSS is the summary's own:
 *
 *   summary-measure.ts <database url>
 *
 * The fleet daily summary built over the store — collected, built, rendered as text and HTML —
 * five times; prints one JSON line (first and median ms, peak RSS, where the time went).
 * With the fleet summary builder (src/admin/fleet-summary-source.ts) in the tree, that is what is
 * measured; without it, the stand-in: the single-host summary's code path over the same store,
 * with every set of the fleet as its sets (the single-host SummaryStore has no host filter).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { manualPeriod } from '../../src/admin/period.js';
import { renderSummaryHtml } from '../../src/admin/render-html.js';
import { renderSummaryText } from '../../src/admin/render-text.js';
import { collectSummaryInput } from '../../src/admin/summary-source.js';
import { configSchema, type VigilConfig } from '../../src/config/schema/index.js';
import type { SummaryPeriod } from '../../src/domain/summary.js';
import { buildSummary } from '../../src/domain/summary-build.js';
import type { Store } from '../../src/storage/ports/store.js';
import { openPgStore } from '../../src/storage/postgres/store.js';
import { HOSTS, NOW, SETS_PER_HOST, hostName, scheduleOf, setName } from './summary-data.js';

const url = process.argv[2]!;
const REPEATS = 5;
const FLEET_SOURCE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/admin/fleet-summary-source.ts');

interface Built {
  text: string;
  html: string;
  phases?: Record<string, number>;
}
type Build = (config: VigilConfig, store: Store, period: SummaryPeriod) => Promise<Built>;

function leaderConfig(sets: Array<[string, string]>): VigilConfig {
  return configSchema.parse({
    dataDir: '/nonexistent',
    hostname: hostName(0),
    profiles: { local: { method: 'maildir', from: 'vigil@localhost', addressBook: { admins: ['root@localhost'] } } },
    notification: { admins: ['admins'] },
    admin: { daily: '20:00', timezone: 'Europe/Berlin' },
    sets: Object.fromEntries(sets.map(([name, schedule]) => [name, { engine: 'command', command: ['/bin/true'], schedule }])),
  });
}

/** The fleet summary builder, when it has landed: loaded by path so this file compiles without it. */
async function fleetBuilder(): Promise<Build | undefined> {
  if (!existsSync(FLEET_SOURCE)) return undefined;
  const source = (await import(FLEET_SOURCE)) as { renderFleetSummary: (deps: { config: VigilConfig; store: Store; host: string }, period: SummaryPeriod, now: number) => Promise<Built> };
  return (config, store, period) => source.renderFleetSummary({ config, store, host: hostName(0) }, period, NOW);
}

/**
 * The store with each SummaryStore call timed (the last build's, per method): the calls run
 * together, so the times overlap; they show which query the wall time waits for.
 */
function timedStore(store: Store, times: Record<string, number>): Store {
  const summary = new Proxy(store.summary, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const t0 = performance.now();
        try {
          return (await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args)) as unknown;
        } finally {
          times[`${String(name)}Ms`] = Math.round(performance.now() - t0);
        }
      };
    },
  });
  return { ...store, summary };
}

/** The stand-in: the single-host summary (as bench:admin measures it), every set of the fleet. */
const singleHostPath: Build = async (config, plain, period) => {
  const queries: Record<string, number> = {};
  const store = timedStore(plain, queries);
  const p0 = performance.now();
  const input = await collectSummaryInput({ config, store, host: hostName(0) }, period, NOW);
  const p1 = performance.now();
  const summary = buildSummary(input);
  const p2 = performance.now();
  const text = renderSummaryText(summary, config.admin.timezone);
  const html = renderSummaryHtml(summary, config.admin.timezone);
  const p3 = performance.now();
  return { text, html, phases: { queriesMs: Math.round(p1 - p0), modelMs: Math.round(p2 - p1), renderMs: Math.round(p3 - p2), ...queries } };
};

const fleet = await fleetBuilder();
const allSets: Array<[string, string]> = [];
for (let h = 0; h < HOSTS; h++) for (let s = 0; s < SETS_PER_HOST; s++) allSets.push([setName(h, s), scheduleOf(s)]);
// The fleet builder reads the hosts' sets from the store; the leader's config has its own 100.
const config = leaderConfig(fleet ? allSets.slice(0, SETS_PER_HOST) : allSets);
const build = fleet ?? singleHostPath;
const store = await openPgStore({ url }, { migrate: false });
const period = manualPeriod('daily', NOW, config.admin.timezone);
const times: number[] = [];
let last: Built | undefined;
for (let i = 0; i < REPEATS; i++) {
  const t0 = performance.now();
  last = await build(config, store, period);
  times.push(performance.now() - t0);
}
await store.close();
const sorted = [...times].sort((a, b) => a - b);
process.stdout.write(
  `${JSON.stringify({
    builder: fleet ? 'fleet summary (src/admin/fleet-summary-source.ts)' : 'stand-in: single-host summary over all 2,000 sets',
    firstMs: Math.round(times[0]!),
    medianMs: Math.round(sorted[Math.floor(REPEATS / 2)]!),
    maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    textChars: last!.text.length,
    htmlChars: last!.html.length,
    ...(last!.phases ?? {}),
  })}\n`,
);
