import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { ConsoleConfig } from '../config/schema/index.js';
import { parseListen } from '../config/schema/console.js';
import { VigilError } from '../domain/errors.js';
import { createConsoleApp } from './app.js';
import type { ConsoleDeps } from './deps.js';

export interface ConsoleServer {
  /** Where it listens, e.g. `http://127.0.0.1:8470`. */
  url: string;
  close(): Promise<void>;
}

// A client that opens a connection and says nothing must not hold it forever.
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 30_000;
const CLOSE_DEADLINE_MS = 5_000;

/**
 * Serves the console on `config.listen` (over TLS when `config.tls` is given). Rejects with
 * ERR_CONSOLE_LISTEN when the address cannot be had and ERR_CONSOLE_TLS when the certificate
 * or key cannot be read.
 */
export async function startConsole(config: ConsoleConfig, deps: Omit<ConsoleDeps, 'tls'>): Promise<ConsoleServer> {
  const listen = parseListen(config.listen);
  if (!listen) throw new VigilError('ERR_CONSOLE_LISTEN', `console.listen ${config.listen} is not host:port`);
  const tls = config.tls ? readTls(config.tls) : undefined;
  const app = createConsoleApp({ ...deps, tls: tls !== undefined });
  const server = createAdaptorServer({ fetch: app.fetch, ...(tls ? { createServer: createHttpsServer, serverOptions: tls } : {}) });
  const http = server as import('node:http').Server;
  http.headersTimeout = HEADERS_TIMEOUT_MS;
  http.requestTimeout = REQUEST_TIMEOUT_MS;
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) =>
      reject(
        new VigilError('ERR_CONSOLE_LISTEN', `the console cannot listen on ${config.listen}: ${error.code ?? error.message}`, {
          hint: error.code === 'EADDRINUSE' ? 'Another program (or another vigil) uses that port: choose another console.listen.' : 'Use an address of this machine in console.listen.',
          cause: error,
        }),
      );
    http.once('error', onError);
    http.listen(listen.port, listen.host, () => {
      http.off('error', onError);
      resolve();
    });
  });
  const address = http.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `${tls ? 'https' : 'http'}://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          http.closeAllConnections();
          resolve();
        }, CLOSE_DEADLINE_MS);
        http.close(() => {
          clearTimeout(timer);
          resolve();
        });
        http.closeIdleConnections();
      }),
  };
}

function readTls(tls: NonNullable<ConsoleConfig['tls']>): { cert: Buffer; key: Buffer } {
  const read = (file: string, key: string) => {
    try {
      return readFileSync(file);
    } catch (error) {
      throw new VigilError('ERR_CONSOLE_TLS', `console.tls.${key} ${file} cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
        hint: 'Give the PEM file’s path, readable by the account the service runs as.',
      });
    }
  };
  return { cert: read(tls.certFile, 'certFile'), key: read(tls.keyFile, 'keyFile') };
}
