import { VigilError } from '../../domain/errors.js';
import { connectApp } from '../../app/context.js';
import { sendChannelTest } from '../../app/test-message.js';
import { pushHint } from '../../transports/push/hints.js';
import { EXIT, type Command } from '../command.js';
import { printJson } from '../output.js';
import { mailTestCommand } from './mail-test.js';

export const notifyTestCommand: Command = {
  name: 'notify test',
  summary: 'send a test through a channel (or a Mail Profile) and say what happened',
  usage: 'NAME [-v] [--json]',
  positionals: true,
  exitCodes: { 0: 'the service accepted the test', 1: 'not accepted; the reason, the service’s reply and a hint are printed', 2: 'usage or configuration error' },
  async run(ctx, args) {
    const [name, extra] = args.positionals;
    if (!name || extra) throw new VigilError('ERR_USAGE', 'give exactly one channel or profile name: vigil notify test NAME', { hint: 'Channels are listed by `vigil channels`.' });
    const app = await connectApp({ configFile: ctx.configFile, env: ctx.env, logLevel: 'error' });
    try {
      const { config } = app.loaded;
      const channel = config.channels[name];
      if (!channel) {
        if (config.profiles[name]) return await mailTestCommand.run(ctx, { values: { profile: name }, positionals: [] });
        throw new VigilError('ERR_CHANNEL_UNKNOWN', `no channel or profile named "${name}"`, {
          hint: `Channels: ${Object.keys(config.channels).join(', ') || 'none'}; profiles: ${Object.keys(config.profiles).join(', ') || 'none'}.`,
        });
      }
      const { id, outcome, accepted } = await sendChannelTest(app, name);
      const hint = outcome && !accepted ? pushHint(outcome, channel.type) : undefined;
      const reply = outcome?.transcript.split('\n').filter((l) => l.startsWith('S: ')).map((l) => l.slice(3)).join(' ') || undefined;
      if (ctx.json) {
        printJson(ctx.stdout, { id, channel: name, type: channel.type, accepted, outcome: outcome ?? null, reply: reply ?? null, hint: hint ?? null });
      } else {
        const out = accepted ? ctx.stdout : ctx.stderr;
        if (!outcome) out.write(`✗ another Vigil process is delivering test message ${id}; see \`vigil outbox show ${id}\`\n`);
        else out.write(accepted ? `✓ ${outcome.detail}\n` : `✗ ${outcome.kind}: ${outcome.detail}\n`);
        if (reply) out.write(`  reply: ${reply.slice(0, 500)}\n`);
        out.write(`  channel ${name} (${channel.type}), message ${id}\n`);
        if (hint) out.write(`hint: ${hint}\n`);
        if (ctx.verbose && outcome?.transcript) out.write(`transcript:\n${outcome.transcript.replace(/^/gm, '  ')}\n`);
      }
      return accepted ? EXIT.ok : EXIT.failure;
    } finally {
      await app.close();
    }
  },
};
