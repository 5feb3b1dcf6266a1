/**
 * The small HTTP server every service runs beside its work, for the platform rather than users:
 * GET /metrics (Prometheus), GET /livez (the process is alive and not wedged)
 * and GET /readyz (it can do its work now: its database, Temporal, ...). Kept off the API's port
 * so that metrics, which name connections, are not served to the internet with the API.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export type Readiness = { ready: true } | { ready: false; reason: string };

export interface OpsServerOptions {
  host: string;
  /** 0 picks a free port (tests) */
  port: number;
  registry: Registry;
  /** false when the process is wedged and should be restarted; default: alive while it answers */
  live?: () => boolean;
  ready: () => Promise<Readiness>;
}

export interface OpsServer {
  port: number;
  close(): Promise<void>;
}

const READY_TIMEOUT_MS = 5_000;

async function readiness(check: () => Promise<Readiness>): Promise<Readiness> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Readiness>((resolve) => {
    timer = setTimeout(() => resolve({ ready: false, reason: `the readiness check took more than ${READY_TIMEOUT_MS} ms` }), READY_TIMEOUT_MS);
  });
  try {
    return await Promise.race([check(), timeout]);
  } catch (error) {
    return { ready: false, reason: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (!['/metrics', '/livez', '/readyz'].includes(path)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics, /livez or /readyz\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n');
      return;
    }
    const answer = async (): Promise<void> => {
      if (path === '/metrics') {
        const text = await options.registry.metrics();
        res.writeHead(200, { 'content-type': options.registry.contentType }).end(text);
      } else if (path === '/readyz') {
        const state = await readiness(options.ready);
        res.writeHead(state.ready ? 200 : 503, { 'content-type': 'text/plain' }).end(state.ready ? 'ready\n' : `not ready: ${state.reason}\n`);
      } else {
        const alive = options.live ? options.live() : true;
        res.writeHead(alive ? 200 : 503, { 'content-type': 'text/plain' }).end(alive ? 'alive\n' : 'not alive\n');
      }
    };
    answer().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`${error instanceof Error ? error.message : String(error)}\n`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
