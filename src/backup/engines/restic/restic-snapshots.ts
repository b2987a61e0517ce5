import { VigilError } from '../../../domain/errors.js';
import type { EngineOperationRequest, EngineSnapshot } from '../../engine.js';
import type { ResticSetConfig } from './config.js';
import { requireRestic, runRestic, unfinished, type ResticInvocation } from './restic-program.js';

/** What `restic snapshots --json` says of each snapshot (restic 0.12+; later versions add a summary). */
interface ResticSnapshotJson {
  id: string;
  short_id?: string;
  time: string;
  hostname: string;
  paths: string[];
  summary?: { total_files_processed?: number; total_bytes_processed?: number };
}

/**
 * The set's snapshots in its repository, oldest first: `restic snapshots --json`, this host's
 * snapshots of the set's paths (the grouping `forget` uses). Rejects with a VigilError
 * (ERR_VAULT_NOT_FOUND) when restic cannot list them — no repository, wrong password — with restic's reason.
 */
export async function resticSnapshots(request: EngineOperationRequest<ResticSetConfig>): Promise<EngineSnapshot[]> {
  return listWith(requireRestic(request), request.name, request.config.repository, request.signal);
}

export async function listWith(invocation: ResticInvocation, set: string, repository: string, signal: AbortSignal): Promise<EngineSnapshot[]> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const result = await runRestic(invocation, ['snapshots', '--json', ...invocation.filter], signal, (stream, line) => (stream === 'stdout' ? stdout : stderr).push(line));
  const stopped = unfinished('restic snapshots', invocation, result, []);
  if (stopped || result.exitCode !== 0) {
    const why = stopped?.log.at(-1)?.message ?? `restic snapshots exited with status ${result.exitCode}${stderr.length ? `: ${stderr.slice(-3).join(' | ')}` : ''}`;
    throw new VigilError('ERR_VAULT_NOT_FOUND', `cannot list the snapshots of set ${set} in ${repository}: ${why}`, { hint: 'Is the repository reachable, and is the set’s password: the repository’s?' });
  }
  let parsed: ResticSnapshotJson[];
  try {
    parsed = (JSON.parse(stdout.join('\n') || '[]') as ResticSnapshotJson[] | null) ?? [];
  } catch (error) {
    throw new VigilError('ERR_VAULT_NOT_FOUND', `restic snapshots printed no JSON list: ${(error as Error).message}`);
  }
  return parsed
    .map((s) => ({
      id: s.id,
      shortId: s.short_id ?? s.id.slice(0, 8),
      time: s.time,
      hostname: s.hostname,
      paths: s.paths,
      ...(s.summary?.total_files_processed !== undefined ? { files: s.summary.total_files_processed } : {}),
      ...(s.summary?.total_bytes_processed !== undefined ? { bytes: s.summary.total_bytes_processed } : {}),
    }))
    .sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
}
