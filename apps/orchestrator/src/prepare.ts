/**
 * The init container's work (`main.js prepare`): from the attempt's input, each connector's
 * config, catalog and state as files in the shared emptyDir, and the named pipes they talk
 * through. Written exactly as replicate() would hand them to a launched process.
 */
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { connectorPodFiles } from '@tributary/launcher';
import { destinationCatalog, stateForSource, type ReplicationPodInput } from '@tributary/replication';

const run = promisify(execFile);

/** Group-readable only: the connectors run as their images' users, in the pod's fsGroup. */
const FILE_MODE = 0o640;
const PIPE_MODE = '660';

async function writeJson(path: string, value: unknown): Promise<void> {
  await writeFile(path, JSON.stringify(value), { mode: FILE_MODE });
}

export async function preparePod(input: ReplicationPodInput, sharedDir: string): Promise<void> {
  const destination = connectorPodFiles('destination', sharedDir);
  await mkdir(destination.dir, { recursive: true, mode: 0o770 });
  await writeJson(destination.config, input.destination.config);
  await writeJson(destination.catalog, destinationCatalog(input.destinationNaming, input.catalog));
  const pipes = [destination.stdin, destination.stdout, destination.stderr];
  if (!input.destinationOnly) {
    const source = connectorPodFiles('source', sharedDir);
    await mkdir(source.dir, { recursive: true, mode: 0o770 });
    await writeJson(source.config, input.source.config);
    await writeJson(source.catalog, input.catalog);
    const state = stateForSource(input.state);
    if (state !== undefined) await writeJson(source.state, state);
    pipes.push(source.stdout, source.stderr);
  }
  await run('mkfifo', ['-m', PIPE_MODE, ...pipes]);
}
