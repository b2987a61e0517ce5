/**
 * bench:fleet (4): 20 hosts × 100 sets, 1,000,000 runs in PostgreSQL: the fleet daily summary
 * built in ≤ 2 s and ≤ 300 MB. The runs are generated once (summary-data.ts); each measurement
 * is a fresh process (summary-measure.ts), so its peak RSS is its own.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { PostgresCluster } from '../../test/helpers/postgres.js';
import { BENCH_DIR, REPO_ROOT, load1 } from './rig.js';
import { generateFleetRuns } from './summary-data.js';

export interface SummaryMeasurement {
  builder: string;
  firstMs: number;
  medianMs: number;
  maxRssMB: number;
  load: number;
  [phase: string]: number | string;
}

export async function summaryRounds(cluster: PostgresCluster, template: string, runs: number, rounds: number): Promise<{ generatedSeconds: number; measurements: SummaryMeasurement[] }> {
  const db = await cluster.newDatabase(template);
  try {
    process.stderr.write(`    generating ${runs} runs across 20 hosts × 100 sets…\n`);
    const { seconds } = await generateFleetRuns(db.url, runs);
    process.stderr.write(`    generated in ${seconds} s\n`);
    const measurements: SummaryMeasurement[] = [];
    for (let round = 0; round < rounds; round++) {
      const load = load1();
      const child = spawnSync(process.execPath, ['--import', 'tsx', path.join(BENCH_DIR, 'fleet', 'summary-measure.ts'), db.url], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 10 * 60_000 });
      if (child.status !== 0) throw new Error(`the summary measurement failed (${child.status ?? child.signal}):\n${child.stderr}`);
      measurements.push({ ...(JSON.parse(child.stdout.trim().split('\n').at(-1)!) as SummaryMeasurement), load });
      process.stderr.write(`    round ${round + 1}: ${JSON.stringify(measurements.at(-1))}\n`);
    }
    return { generatedSeconds: seconds, measurements };
  } finally {
    await db.drop();
  }
}
