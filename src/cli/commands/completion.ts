import { VigilError } from '../../domain/errors.js';
import { EXIT, type Command } from '../command.js';
import { bashCompletion } from '../completion/bash.js';
import { fishCompletion } from '../completion/fish.js';
import { completionTree } from '../completion/model.js';
import { zshCompletion } from '../completion/zsh.js';

const SHELLS = { bash: bashCompletion, zsh: zshCompletion, fish: fishCompletion } as const;

/** `commands` is the command table, passed in so that the table and this file don't import each other. */
export const completionCommand = (commands: () => readonly Command[]): Command => ({
  name: 'completion',
  summary: 'print the shell completion script for bash, zsh or fish',
  usage: 'bash|zsh|fish   (e.g. source <(vigil completion bash); see docs/cli.md to install it)',
  positionals: true,
  exitCodes: { 0: 'printed', 2: 'no shell, or one Vigil has no completion for' },
  async run(ctx, { positionals }) {
    const [shell, extra] = positionals;
    if (!shell || extra || !Object.hasOwn(SHELLS, shell)) {
      throw new VigilError('ERR_USAGE', shell && !extra ? `no completion for the shell "${shell}"` : 'name one shell: vigil completion bash|zsh|fish', { hint: `Shells: ${Object.keys(SHELLS).join(', ')}.` });
    }
    ctx.stdout.write(SHELLS[shell as keyof typeof SHELLS](completionTree(commands())));
    return EXIT.ok;
  },
});
