/**
 * A real Temporal dev server for an integration test: `temporal server start-dev` on free
 * loopback ports, in-memory, headless. The CLI comes from tools/ensure-temporal.sh (PATH,
 * or built once into the per-user cache: the first call may take minutes).
 *
 *   import { startTestTemporal, type TestTemporal } from '@tributary/testing';
 *
 *   let temporal: TestTemporal;
 *   beforeAll(async () => { temporal = await startTestTemporal(); });   // ~1-2 s once built
 *   afterAll(() => temporal.stop());
 *   // temporal.address: '127.0.0.1:<port>', temporal.namespace: 'default'
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { devServerArgs, temporalCli, waitForTemporal } from '../../tools/stack/temporal.mjs';
import { freePort } from './ports.js';

export interface TestTemporal {
  /** host:port of the frontend (gRPC) */
  address: string;
  namespace: string;
  /** the server process, e.g. to check it is gone */
  pid: number;
  stop(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));
}

/** The server exited while starting: typically a port another test file's server took meanwhile. */
class TemporalExitedEarly extends Error {}

export async function startTestTemporal(options: { namespace?: string; readyTimeoutMs?: number } = {}): Promise<TestTemporal> {
  // test files start servers in parallel, and the dev server binds more ports than the ones
  // passed here (it picks its internal services' ports itself): a clash is retried on new ports
  for (let attempt = 1; ; attempt++) {
    try {
      return await startTemporalOnce(options);
    } catch (err) {
      if (!(err instanceof TemporalExitedEarly) || attempt >= 3) throw err;
    }
  }
}

async function startTemporalOnce(options: { namespace?: string; readyTimeoutMs?: number }): Promise<TestTemporal> {
  const cli = await temporalCli();
  const namespace = options.namespace ?? 'default';
  const [port, uiPort] = [await freePort(), await freePort()];
  const address = `127.0.0.1:${port}`;
  const child = spawn(cli, devServerArgs({ port, uiPort, namespace, logLevel: 'error' }), { stdio: ['ignore', 'pipe', 'pipe'] });
  // a test process that ends without afterAll (crash, timeout) must not leave the server behind
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  let out = '';
  // the start of a crash report says why; the end is a Go stack
  const keep = (chunk: Buffer) => void (out = out.length < 8000 ? (out + chunk.toString()).slice(0, 8000) : out);
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited(child);
    clearTimeout(timer);
  };
  try {
    const gaveUp = () => (child.exitCode !== null ? `temporal server exited with code ${child.exitCode}` : undefined);
    await waitForTemporal(address, namespace, { timeoutMs: options.readyTimeoutMs ?? 60_000, gaveUp });
  } catch (err) {
    // read before stop(): a server stopped by SIGTERM may exit with a code too
    const exitedEarly = child.exitCode !== null;
    await stop();
    const message = `${err instanceof Error ? err.message : String(err)}; output: ${out}`;
    throw exitedEarly ? new TemporalExitedEarly(message) : new Error(message, { cause: err });
  }
  return { address, namespace, pid: child.pid ?? -1, stop };
}
