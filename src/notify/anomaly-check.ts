import type { VigilConfig } from '../config/schema/index.js';
import { ALERT_ANOMALY_THRESHOLDS, detectAnomalies, type Anomaly } from '../domain/anomalies.js';
import type { BackupEvent, EventSink } from '../domain/events.js';
import { formatBytes } from '../domain/units.js';
import type { SummaryStore } from '../storage/ports/summary-store.js';

export interface AnomalyCheckDeps {
  config: VigilConfig;
  summary: Pick<SummaryStore, 'successSamples'>;
  events: EventSink;
}

/**
 * A run that "completed" with next to nothing in it — its source an empty mount point — is a
 * silent failure unless someone reads the summary. With `notification.anomalies: alert` (the
 * default) such a run raises a `backup-anomaly` service fault at once: critical, to the admins and
 * the pager, through the Outbox or around it, once per set per remindEvery (FaultNotifier).
 * The run is judged like the summary judges it (domain/anomalies.ts) against the set's previous
 * successful runs, with the stricter ALERT_ANOMALY_THRESHOLDS.
 */
export class AnomalyCheck {
  constructor(private readonly deps: AnomalyCheckDeps) {}

  async check(event: BackupEvent): Promise<Anomaly[]> {
    if (this.deps.config.notification.anomalies !== 'alert') return [];
    if (event.status !== 'completed' && event.status !== 'completed-with-warnings') return [];
    const t = ALERT_ANOMALY_THRESHOLDS;
    const samples = (await this.deps.summary.successSamples([event.set], t.baselineRuns + 1))[event.set] ?? [];
    const index = samples.findIndex((s) => s.activityId === event.activityId);
    if (index < 0) return [];
    const run = samples[index]!;
    const found = detectAnomalies(event.set, samples.slice(index), run.endedAt, run.endedAt + 1, t);
    if (found.length) {
      const what = found.map(describe).join('; ');
      this.deps.events.emit({
        kind: 'service.fault',
        fault: 'backup-anomaly',
        detail: `${event.set}: ${what} (activity ${event.activityId}, ${event.status}) — is its source mounted?`,
        set: event.set,
        at: event.at,
      });
    }
    return found;
  }
}

function describe(a: Anomaly): string {
  return a.metric === 'files' ? `backed up ${a.value} files, usually ${a.usual}` : `scanned ${formatBytes(a.value)}, usually ${formatBytes(a.usual)}`;
}
