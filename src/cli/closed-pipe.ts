/**
 * `vigil outbox list | head -1`: the reader has what it wanted and left. Writing on then fails
 * with EPIPE, which Node raises as an unhandled 'error' event — a stack trace for what is no error
 * at all. Here the output is simply dropped from then on (a destroyed stream ignores writes) and
 * the command finishes its work, so a closed pipe never cuts a backup or a delivery short and the
 * exit status still says how the work went. Node ignores SIGPIPE, so this is the only signal.
 */
export function dropOutputOnClosedPipe(stream: NodeJS.WritableStream, stderr: NodeJS.WritableStream, name: string): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') return;
    // Another write failure (a full disk behind `> file`): say so once, and fail.
    if (stream !== stderr) stderr.write(`vigil: cannot write to ${name}: ${error.message}\n`);
    process.exitCode = 1;
  });
}
