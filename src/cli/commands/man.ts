import { EXIT, type Command } from '../command.js';
import { manPage } from '../man-page.js';
import { packageVersion } from '../version.js';

/** `commands` is the command table, passed in so that the table and this file don't import each other. */
export const manCommand = (commands: () => readonly Command[]): Command => ({
  name: 'man',
  summary: 'print the vigil(1) manual page in roff (read it with: vigil man | man -l -)',
  usage: '',
  exitCodes: { 0: 'printed' },
  async run(ctx) {
    ctx.stdout.write(manPage(commands(), packageVersion()));
    return EXIT.ok;
  },
});
