/**
 * The per-set series of `/metrics` (eight families, one line a set each: ~8,000 lines for 1,000
 * sets), written with one template per family. prom-client wrote them before; its per-series
 * label handling (a label object hashed, stored, then formatted and escaped per line) cost
 * ~40 ms of CPU for 1,000 sets, most of a collection. The text is the same, byte for byte, as
 * prom-client's (`# HELP`, `# TYPE`, `name{set="…",host="…"} value`, label values escaped as it
 * escapes them); prom-client still writes every other family (metrics.ts).
 */

/** What the per-set families say about one set (the console's SetView has these fields). */
export interface SetSeries {
  name: string;
  running: boolean;
  lastRun: { status: string; endedAt: number } | null;
  lastSuccess: { endedAt: number; durationMs: number; files: number; bytesScanned: number; bytesNew: number } | null;
}

interface Family {
  name: string;
  help: string;
  /** The line's value for a set, or undefined when the set has no series in this family. */
  value(set: SetSeries): number | undefined;
  /** Labels after set and host (the status of the last run). */
  extraLabels?(set: SetSeries): string;
}

/** In the order they are documented (docs/api.md) and were registered with prom-client. */
export const SET_FAMILIES: readonly Family[] = [
  { name: 'vigil_set_last_run_status', help: "The status of the set's last run (1 for the status it has)", value: (s) => (s.lastRun ? 1 : undefined), extraLabels: (s) => `,status="${escapeLabelValue(s.lastRun!.status)}"` },
  { name: 'vigil_set_last_run_timestamp_seconds', help: "When the set's last run ended", value: (s) => (s.lastRun ? s.lastRun.endedAt / 1000 : undefined) },
  { name: 'vigil_set_running', help: '1 while the set is running', value: (s) => (s.running ? 1 : 0) },
  { name: 'vigil_set_last_success_timestamp_seconds', help: "When the set's last successful run (completed, or with warnings) ended", value: (s) => (s.lastSuccess ? s.lastSuccess.endedAt / 1000 : undefined) },
  { name: 'vigil_set_last_success_duration_seconds', help: "How long the set's last successful run took", value: (s) => (s.lastSuccess ? s.lastSuccess.durationMs / 1000 : undefined) },
  { name: 'vigil_set_last_success_bytes_scanned', help: "Bytes read by the set's last successful run", value: (s) => s.lastSuccess?.bytesScanned },
  { name: 'vigil_set_last_success_bytes_new', help: "New bytes stored by the set's last successful run", value: (s) => s.lastSuccess?.bytesNew },
  { name: 'vigil_set_last_success_files', help: "Files in the set's last successful run", value: (s) => s.lastSuccess?.files },
];

/**
 * The eight families for these sets, in the text format (families separated by a blank line, as
 * prom-client separates them; no trailing newline: the caller joins it with the rest).
 */
export function setSeriesText(sets: readonly SetSeries[], host: string): string {
  const hostLabel = `",host="${escapeLabelValue(host)}"`;
  // The `{set="NAME",host="HOST"` part of each set's lines, escaped once for all eight families.
  const prefixes = sets.map((s) => `{set="${escapeLabelValue(s.name)}${hostLabel}`);
  const families: string[] = [];
  for (const family of SET_FAMILIES) {
    let text = `# HELP ${family.name} ${escapeHelp(family.help)}\n# TYPE ${family.name} gauge`;
    for (let i = 0; i < sets.length; i++) {
      const set = sets[i]!;
      const value = family.value(set);
      if (value === undefined) continue;
      text += `\n${family.name}${prefixes[i]}${family.extraLabels ? family.extraLabels(set) : ''}} ${valueText(value)}`;
    }
    families.push(text);
  }
  return families.join('\n\n');
}

// As prom-client writes them (lib/registry.js, lib/util.js), so the text does not change.
function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function escapeLabelValue(text: string): string {
  return escapeHelp(text).replace(/"/g, '\\"');
}

function valueText(value: number): string {
  if (Number.isNaN(value)) return 'Nan';
  if (!Number.isFinite(value)) return value < 0 ? '-Inf' : '+Inf';
  return `${value}`;
}
