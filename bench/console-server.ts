/**
 * The server side of bench/console.bench.ts, in its own process so the bench's HTTP client (its
 * sockets, buffers and CPU) does not count against the console: the app opened on the bench's
 * store as `vigil start` opens it, then — when the bench asks — the console started on it, as
 * `vigil start` starts it. Driven over the IPC channel; each answer carries this process's own
 * figures (RSS after a GC, CPU time, V8 heap).
 *
 *   node --expose-gc dist/bench/console-server.js CONFIG   (spawned by the bench)
 */
import { getHeapSpaceStatistics } from 'node:v8';
import { openApp, type AppContext } from '../src/app/context.js';
import type { ConsoleServer } from '../src/console/server.js';

export type ServerRequest =
  | { cmd: 'usage' }
  | { cmd: 'start' }
  /** `steady`: nothing changes between collections; `full`: every set read each time (as after another process's write); `ownRun`: one of the service's own runs before each. */
  | { cmd: 'collect'; count: number; mode: 'steady' | 'full' | 'ownRun' }
  | { cmd: 'stop' };

export interface Usage {
  /** After a full GC: what the process holds, not garbage not yet collected. */
  rss: number;
  heapUsed: number;
  external: number;
  /** process.cpuUsage() in microseconds, user + system. */
  cpuMicros: number;
  /** V8's young generation as committed (it swings by ~30 MB on its own between GCs: part of rss). */
  newSpace: number;
}

export type ServerReply =
  | { cmd: 'ready'; usage: Usage }
  | { cmd: 'usage'; usage: Usage }
  | { cmd: 'started'; url: string; usage: Usage }
  | { cmd: 'collected'; wallMs: number[]; cpuMs: number[]; usage: Usage }
  | { cmd: 'stopped' };

function usage(): Usage {
  // CPU first: the GC that follows is the measurement's, not the requests'.
  const cpu = process.cpuUsage();
  global.gc?.();
  const memory = process.memoryUsage();
  const newSpace = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.physical_space_size ?? 0;
  return { rss: memory.rss, heapUsed: memory.heapUsed, external: memory.external, cpuMicros: cpu.user + cpu.system, newSpace };
}

const send = (reply: ServerReply): void => {
  process.send!(reply);
};

const configFile = process.argv[2];
if (!configFile || !process.send) throw new Error('spawned by bench/console.bench.ts with an IPC channel and the configuration file');
const app: AppContext = openApp({ configFile, logLevel: 'error', service: true });
let server: ConsoleServer | undefined;

process.on('message', (message: ServerRequest) => {
  void handle(message).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
});

async function handle(message: ServerRequest): Promise<void> {
  switch (message.cmd) {
    case 'usage':
      return send({ cmd: 'usage', usage: usage() });
    case 'start': {
      // Imported only now, so what the console adds includes its code.
      const { startConsole } = await import('../src/console/server.js');
      server = await startConsole(app.loaded.config.console!, { app: () => app, readOnly: false, clock: app.clock });
      return send({ cmd: 'started', url: server.url, usage: usage() });
    }
    case 'collect': {
      // Full /metrics collections in this process, without HTTP, the cache always expired (a
      // millisecond clock that jumps 10 s a call): the CPU one scrape costs the service.
      const { ConsoleMetrics } = await import('../src/console/metrics.js');
      let ms = 0;
      let metrics = new ConsoleMetrics(() => (ms += 10_000));
      const wallMs: number[] = [];
      const cpuMs: number[] = [];
      const sets = Object.keys(app.loaded.config.sets);
      for (let i = 0; i < message.count; i++) {
        // A fresh instance has read nothing yet: its collection reads every set.
        if (message.mode === 'full') metrics = new ConsoleMetrics(() => (ms += 10_000));
        if (message.mode === 'ownRun') {
          await app.runner.run(sets[i % sets.length]!, { trigger: 'manual' });
          await app.events.drain();
        }
        const t0 = performance.now();
        const c0 = process.cpuUsage();
        await metrics.scrape(app);
        const c = process.cpuUsage(c0);
        wallMs.push(performance.now() - t0);
        cpuMs.push((c.user + c.system) / 1000);
      }
      return send({ cmd: 'collected', wallMs, cpuMs, usage: usage() });
    }
    case 'stop':
      await server?.close();
      await app.close();
      send({ cmd: 'stopped' });
      process.disconnect();
      return;
  }
}

send({ cmd: 'ready', usage: usage() });
