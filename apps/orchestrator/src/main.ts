/**
 * The orchestrator container of a replication pod (apps/orchestrator/Dockerfile):
 *   node apps/orchestrator/dist/main.js prepare <input dir> <shared dir>   (the init container)
 *   node apps/orchestrator/dist/main.js run <input dir> <shared dir>       (the orchestrator)
 * The input dir is the attempt's Secret (input.json, token); the shared dir the pod's emptyDir.
 * `run` exits 0 once the attempt's outcome is with the API (whatever it is), 1 when it could not
 * be reported; SIGTERM (the pod deleted: a cancel) stops the connectors and reports a cancel.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { POD_INPUT_DIR, POD_SHARED_DIR, RUNNER_INPUT_KEY, RUNNER_TOKEN_KEY } from '@tributary/launcher';
import type { ReplicationPodInput } from '@tributary/replication';
import { AttemptReporter } from './attempt-reporter.js';
import { preparePod } from './prepare.js';
import { runAttempt } from './run-attempt.js';
import { httpRunnerApi } from './runner-api.js';

async function main(): Promise<number> {
  const [command, inputDir = POD_INPUT_DIR, sharedDir = POD_SHARED_DIR] = process.argv.slice(2);
  const input = JSON.parse(await readFile(join(inputDir, RUNNER_INPUT_KEY), 'utf8')) as ReplicationPodInput;
  if (command === 'prepare') {
    await preparePod(input, sharedDir);
    return 0;
  }
  if (command !== 'run') {
    process.stderr.write(`usage: main.js prepare|run [input dir] [shared dir] (got ${command ?? 'nothing'})\n`);
    return 2;
  }
  const token = (await readFile(join(inputDir, RUNNER_TOKEN_KEY), 'utf8')).trim();
  const reporter = new AttemptReporter(httpRunnerApi(input.apiUrl, token, input.attempt), { secretValues: input.secretValues });
  const stop = new AbortController();
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => stop.abort());
  const outcome = await runAttempt(input, sharedDir, reporter, stop.signal);
  await reporter.finish(outcome);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`orchestrator: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
