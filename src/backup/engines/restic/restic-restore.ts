import { pickSnapshot } from '../../pick-snapshot.js';
import type { EngineLogEntry, EngineRestoreRequest, EngineRestoreResult } from '../../engine.js';
import { OutputCapture } from '../../output-capture.js';
import type { ResticSetConfig } from './config.js';
import { requireRestic, runRestic, unfinished } from './restic-program.js';
import { parseRestoreStatus } from './restic-progress.js';
import { listWith } from './restic-snapshots.js';

/**
 * `vigil restore` of a restic set: picks the snapshot among the set's own (this host, its paths;
 * default the latest) the way the builtin engine does, then `restic restore ID --target DIR`
 * (`--include PATH` for one path). restic puts files at `<DIR>/<original absolute path>`, as
 * the builtin engine does. Files restic could not restore ("There were N errors") make the
 * restore `completed-with-errors`; progress comes from restic's `--json` status lines (0.16+).
 */
export async function resticRestore(request: EngineRestoreRequest<ResticSetConfig>): Promise<EngineRestoreResult> {
  const invocation = requireRestic(request);
  const snapshots = await listWith(invocation, request.name, request.config.repository, request.signal);
  const snapshot = pickSnapshot(snapshots, request.name, request.snapshot);
  const output = new OutputCapture({ head: 100, tail: 100 });
  request.onProgress?.({ filesDone: 0, bytesDone: 0, currentPath: `snapshot ${snapshot.shortId}` });
  const result = await runRestic(invocation, ['restore', snapshot.id, '--json', '--target', request.to, ...(request.path ? ['--include', request.path] : [])], request.signal, (stream, line) => {
    const progress = parseRestoreStatus(line);
    if (progress) request.onProgress?.(progress);
    // "ignoring error for PATH: …" is a file restic could not restore: an error of the restore.
    else output.add(stream, line, /^ignoring error for /.test(line) ? 'error' : 'info');
  });
  const log: EngineLogEntry[] = output.entries().filter((entry) => !entry.message.includes('"message_type":'));
  const stopped = unfinished('restic restore', invocation, result, log);
  if (stopped) return { ...stopped, snapshotId: snapshot.id };
  const done: EngineLogEntry = { severity: 'info', message: `restored snapshot ${snapshot.shortId} to ${request.to}${request.path ? ` (only ${request.path})` : ''}` };
  if (result.exitCode === 0) return { status: 'completed', log: [...log, done], snapshotId: snapshot.id };
  const stderr = output.tailOf('stderr', 3).join(' | ');
  // Some files failed, the rest are restored; anything else (repository unreadable) restored nothing.
  const partly = /There were \d+ errors/.test(stderr) || log.some((entry) => entry.severity === 'error');
  return {
    status: partly ? 'completed-with-errors' : 'failed',
    log: [...log, { severity: 'error', message: `restic restore exited with status ${result.exitCode}${stderr ? `: ${stderr}` : ''}` }],
    snapshotId: snapshot.id,
  };
}
