// The embedded Temporal: the CLI's dev server, its state in <data dir>/temporal/temporal.db
// so connection workflows and running jobs survive a restart of the stack.
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { REPO_ROOT } from './settings.mjs';
import { startService } from './service.mjs';

const run = promisify(execFile);

/** The Temporal CLI: TEMPORAL_CLI, PATH, or built once into the cache by tools/ensure-temporal.sh. */
export async function temporalCli() {
  if (process.env.TEMPORAL_CLI) return process.env.TEMPORAL_CLI;
  const { stdout } = await run('bash', [join(REPO_ROOT, 'tools', 'ensure-temporal.sh')], {
    maxBuffer: 16 * 1024 * 1024,
    timeout: 30 * 60_000,
  });
  const path = stdout.trim().split('\n').pop();
  if (!path) throw new Error('tools/ensure-temporal.sh printed no path');
  return path;
}

/** `temporal server start-dev` on 127.0.0.1:port, without its web UI unless uiPort is given; in memory unless dbFile */
export function devServerArgs({ port, namespace = 'default', dbFile, uiPort, logLevel }) {
  const args = ['server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(port)];
  if (uiPort !== undefined) args.push('--ui-port', String(uiPort));
  if (dbFile !== undefined) args.push('--db-filename', dbFile);
  if (namespace !== 'default') args.push('--namespace', namespace);
  args.push('--log-level', logLevel);
  return args;
}

export async function startEmbeddedTemporal({ dataDir, logDir, port, namespace, env, onError }) {
  const cli = await temporalCli();
  const dir = join(dataDir, 'temporal');
  await mkdir(dir, { recursive: true });
  const args = devServerArgs({ port, namespace, dbFile: join(dir, 'temporal.db'), logLevel: 'warn' });
  args.push('--log-format', 'json');
  const service = startService({ name: 'temporal', command: cli, args, env, cwd: dataDir, logFile: join(logDir, 'temporal.log'), onError });
  return { service, address: `127.0.0.1:${port}` };
}

/** Resolves once `namespace` answers on `address`; rejects after `timeoutMs` or when `gaveUp()` says so. */
export async function waitForTemporal(address, namespace, { timeoutMs, gaveUp }) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    const reason = gaveUp();
    if (reason) throw new Error(reason);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.workflowService.describeNamespace({ namespace });
        return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      lastError = error;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(
    `Temporal at ${address} (namespace ${namespace}) not ready after ${timeoutMs / 1000} s: ${lastError?.message ?? lastError}`,
  );
}
