/**
 * bench:fleet (3): a single host on SQLite is not slowed by the fleet. bench:outbox (compiled, as
 * its npm script runs it) on this tree and on the commit before PostgreSQL came in, back to back,
 * alternating, `rounds` times each; the figure is this tree's over the baseline's, per figure.
 * Both trees are measured by this tree's bench (the baseline's Vigil through BENCH_VIGIL_DIST),
 * so both report CPU and SQLite statements per message, which the machine's load hardly moves.
 *
 * The baseline is a `git worktree` of BENCH_FLEET_BASELINE (default 71beac6, the parent of
 * 279f743 which added pg) in a temporary directory with this tree's node_modules linked, built
 * with tsc and removed at the end; BENCH_FLEET_BASELINE_DIR names one already built instead.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT, load1, median } from './rig.js';

export interface OutboxFigures {
  outbox_msgs_per_s: number;
  direct_msgs_per_s: number;
  ratio: number;
  latency_p50_ms: number;
  latency_p99_ms: number;
  peak_rss_mb: number;
  cpu_ms_per_msg: number;
  deliver_cpu_ms_per_msg: number;
  deliver_statements_per_msg: number;
  deliver_commits_per_msg: number;
}

export interface SqliteComparison {
  baseline: string;
  rounds: Array<{ tree: 'current' | 'baseline'; load: number } & OutboxFigures>;
  /** Medians of the current tree over the baseline's (> 1: faster or larger). */
  ratios: { outboxMsgPerSec: number; outboxOverDirect: number; latencyP50: number; latencyP99: number; peakRss: number; cpuPerMessage: number };
  /** Medians over the rounds of each pair's quotient (current over baseline, same round). */
  pairRatios: { outboxOverDirect: number; cpuPerMessage: number };
}

const BUILD_TIMEOUT_MS = 10 * 60_000;
const RUN_TIMEOUT_MS = 20 * 60_000;

function build(tree: string): void {
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: tree, stdio: 'inherit', timeout: BUILD_TIMEOUT_MS });
}

/** This tree's compiled bench:outbox, measuring the Vigil in `tree` (its dist). */
function runOutboxBench(tree: string, env: NodeJS.ProcessEnv): OutboxFigures {
  const vigil = tree === REPO_ROOT ? {} : { BENCH_VIGIL_DIST: path.join(tree, 'dist') };
  const result = spawnSync(process.execPath, ['dist/bench/outbox.bench.js'], { cwd: REPO_ROOT, env: { ...process.env, ...env, ...vigil }, encoding: 'utf8', timeout: RUN_TIMEOUT_MS });
  if (result.status !== 0) throw new Error(`bench:outbox on ${tree} failed (${result.status ?? result.signal}):\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as OutboxFigures;
}

export function compareSqlite(rounds: number, env: NodeJS.ProcessEnv): SqliteComparison {
  const commit = process.env.BENCH_FLEET_BASELINE ?? '71beac6';
  let baseline = process.env.BENCH_FLEET_BASELINE_DIR;
  let made: string | undefined;
  try {
    if (!baseline) {
      made = baseline = path.join(mkdtempSync(path.join(tmpdir(), 'vigil-baseline-')), 'tree');
      execFileSync('git', ['worktree', 'add', '--detach', baseline, commit], { cwd: REPO_ROOT, stdio: 'ignore', timeout: 120_000 });
      symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(baseline, 'node_modules'));
      build(baseline);
    }
    if (!existsSync(path.join(baseline, 'dist/src/app/context.js'))) throw new Error(`${baseline} is not built (no dist/src/app/context.js)`);
    if (process.env.BENCH_FLEET_SKIP_BUILD !== '1') build(REPO_ROOT);
    const results: SqliteComparison['rounds'] = [];
    for (let round = 0; round < rounds; round++) {
      // Which goes first alternates too: the second of a pair runs on a machine the first warmed.
      const order = round % 2 === 0 ? (['current', 'baseline'] as const) : (['baseline', 'current'] as const);
      for (const tree of order) {
        const load = load1();
        results.push({ tree, load, ...runOutboxBench(tree === 'current' ? REPO_ROOT : baseline, env) });
        process.stderr.write(`    round ${round + 1}, ${tree}: ${JSON.stringify(results.at(-1))}\n`);
      }
    }
    const ratio = (pick: (r: OutboxFigures) => number) => {
      const of = (tree: string) => median(results.filter((r) => r.tree === tree).map(pick));
      return Number((of('current') / of('baseline')).toFixed(3));
    };
    return {
      baseline: commit,
      rounds: results,
      ratios: {
        outboxMsgPerSec: ratio((r) => r.outbox_msgs_per_s),
        outboxOverDirect: ratio((r) => r.ratio),
        latencyP50: ratio((r) => r.latency_p50_ms),
        latencyP99: ratio((r) => r.latency_p99_ms),
        peakRss: ratio((r) => r.peak_rss_mb),
        cpuPerMessage: ratio((r) => r.cpu_ms_per_msg),
      },
      pairRatios: { outboxOverDirect: pairRatio(results, (r) => r.ratio), cpuPerMessage: pairRatio(results, (r) => r.cpu_ms_per_msg) },
    };
  } finally {
    if (made) {
      execFileSync('git', ['worktree', 'remove', '--force', made], { cwd: REPO_ROOT, stdio: 'ignore', timeout: 120_000 });
      rmSync(path.dirname(made), { recursive: true, force: true });
    }
  }
}

/** Rounds come in pairs (one of each tree): the median of current/baseline within each pair. */
function pairRatio(results: SqliteComparison['rounds'], pick: (r: OutboxFigures) => number): number {
  const quotients: number[] = [];
  for (let i = 0; i + 1 < results.length; i += 2) {
    const [a, b] = [results[i]!, results[i + 1]!];
    const [current, baseline] = a.tree === 'current' ? [a, b] : [b, a];
    quotients.push(pick(current) / pick(baseline));
  }
  return Number(median(quotients).toFixed(3));
}
