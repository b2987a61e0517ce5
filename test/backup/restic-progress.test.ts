import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseProgressLine, parseRestoreStatus } from '../../src/backup/engines/restic/restic-progress.js';

test('restic counter lines (RESTIC_PROGRESS_FPS) become progress with their unit; other lines do not', () => {
  assert.deepEqual(parseProgressLine('[0:03] 42.00%  21 / 50 packs'), { filesDone: 21, filesTotal: 50, bytesDone: 0, unit: 'packs' });
  assert.deepEqual(parseProgressLine('[1:02:03] 100.00%  1 / 1 files deleted'), { filesDone: 1, filesTotal: 1, bytesDone: 0, unit: 'files deleted' });
  assert.deepEqual(parseProgressLine('[0:00] 2 snapshots'), { filesDone: 2, bytesDone: 0, unit: 'snapshots' });
  for (const line of ['no errors were found', 'read all data', 'remaining:            32 blobs / 8.586 MiB', '[0:00] 100.00%']) assert.equal(parseProgressLine(line), undefined, line);
});

test('restic restore --json status lines (restic 0.16+) become progress; the summary and plain text do not', () => {
  assert.deepEqual(parseRestoreStatus('{"message_type":"status","seconds_elapsed":1,"seconds_remaining":3,"percent_done":0.25,"total_files":8,"files_restored":2,"total_bytes":4000,"bytes_restored":1000}'), {
    filesDone: 2,
    filesTotal: 8,
    bytesDone: 1000,
    bytesTotal: 4000,
    etaSeconds: 3,
  });
  assert.equal(parseRestoreStatus('{"message_type":"summary","total_files":8,"files_restored":8}'), undefined);
  assert.equal(parseRestoreStatus('restoring <Snapshot 830abf82 of [/src]> to /out'), undefined);
});
