import type { SuccessSample } from './summary.js';

/**
 * Anomalies a status alone hides (pure): a successful run that backed up far fewer files or bytes
 * than the set usually does — a source mount that vanished still "completes" — or took far longer.
 * "Usual" is the median of the set's preceding successful runs: a median ignores the odd full
 * backup or the odd empty one, so one outlier does not move the baseline.
 */
export interface AnomalyThresholds {
  /** Flag when files or bytes fall to this fraction of the usual, or below. */
  lowRatio: number;
  /** Flag when the duration reaches this multiple of the usual, or more. */
  highRatio: number;
  /** Successful runs before a run needed to judge it. */
  minBaseline: number;
  /** Baseline runs considered (the most recent ones before the run judged). */
  baselineRuns: number;
  /** Ignore sets too small for a ratio to mean anything. */
  minFiles: number;
  minBytes: number;
  /** A longer duration must also be this much longer in absolute terms (seconds-long runs jitter). */
  minExtraMs: number;
}

export const DEFAULT_ANOMALY_THRESHOLDS: Readonly<AnomalyThresholds> = Object.freeze({
  lowRatio: 0.5,
  highRatio: 3,
  minBaseline: 5,
  baselineRuns: 20,
  minFiles: 10,
  minBytes: 1024 * 1024,
  minExtraMs: 5 * 60_000,
});

/**
 * What is alerted at once (notification.anomalies: alert): only a collapse of the backed-up data
 * — 0 files where there usually are many, or 90 % or more of the bytes gone — as an unmounted
 * source gives. The milder anomalies (half, or a slow run) wait for the summary.
 */
export const ALERT_ANOMALY_THRESHOLDS: Readonly<AnomalyThresholds> = Object.freeze({ ...DEFAULT_ANOMALY_THRESHOLDS, lowRatio: 0.1, minExtraMs: Infinity });

/** `notification.anomalies: off`: no run ever has enough baseline to be judged. */
export const NO_ANOMALY_THRESHOLDS: Readonly<AnomalyThresholds> = Object.freeze({ ...DEFAULT_ANOMALY_THRESHOLDS, minBaseline: Infinity });

/** `notification.anomalies`: alert at once (and list in the summary), only list, or neither. */
export const ANOMALY_MODES = ['alert', 'summary', 'off'] as const;
export type AnomalyMode = (typeof ANOMALY_MODES)[number];

/**
 * The rules a host's summary judges its runs by, from its `notification.anomalies` — the same
 * for its own summary and for its section of the fleet summary. `undefined` (a host that
 * published none: it predates migration 46) is judged by the defaults.
 */
export function summaryAnomalyThresholds(mode: AnomalyMode | undefined): Readonly<AnomalyThresholds> {
  return mode === 'off' ? NO_ANOMALY_THRESHOLDS : DEFAULT_ANOMALY_THRESHOLDS;
}

export type AnomalyMetric = 'files' | 'bytes' | 'duration';

export interface Anomaly {
  set: string;
  metric: AnomalyMetric;
  /** The newest anomalous run of this set and metric in the period. */
  activityId: number;
  value: number;
  usual: number;
  /** How many of the set's runs in the period were anomalous for this metric. */
  runs: number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Anomalous runs of one set among `samples` (newest first) that ended in [since, until).
 * Each run is judged against the runs before it, so a week of small runs after a mount vanished
 * is flagged from its first day until the small size has become the usual.
 */
export function detectAnomalies(set: string, samples: readonly SuccessSample[], since: number, until: number, t: AnomalyThresholds = DEFAULT_ANOMALY_THRESHOLDS): Anomaly[] {
  const found = new Map<AnomalyMetric, Anomaly>();
  samples.forEach((run, index) => {
    if (run.endedAt < since || run.endedAt >= until) return;
    const baseline = samples.slice(index + 1, index + 1 + t.baselineRuns);
    if (baseline.length < t.minBaseline) return;
    const usualFiles = median(baseline.map((r) => r.files));
    const usualBytes = median(baseline.map((r) => r.bytesScanned));
    const usualMs = median(baseline.map((r) => r.endedAt - r.startedAt));
    const tookMs = run.endedAt - run.startedAt;
    const flags: Array<[AnomalyMetric, number, number]> = [];
    if (usualFiles >= t.minFiles && run.files <= usualFiles * t.lowRatio) flags.push(['files', run.files, usualFiles]);
    if (usualBytes >= t.minBytes && run.bytesScanned <= usualBytes * t.lowRatio) flags.push(['bytes', run.bytesScanned, usualBytes]);
    if (usualMs > 0 && tookMs >= usualMs * t.highRatio && tookMs - usualMs >= t.minExtraMs) flags.push(['duration', tookMs, usualMs]);
    for (const [metric, value, usual] of flags) {
      const seen = found.get(metric);
      // Samples are newest first: the first one found is the newest; later ones only count.
      if (seen) seen.runs++;
      else found.set(metric, { set, metric, activityId: run.activityId, value, usual: Math.round(usual), runs: 1 });
    }
  });
  return [...found.values()];
}
