/**
 * Where things are inside a replication pod: shared by the worker that builds the pod and the
 * orchestrator that runs in it. The connectors and the orchestrator meet in one emptyDir:
 * the init container writes each connector's config, catalog and state there and makes the
 * named pipes; each connector container runs its command with its stdio on those pipes and
 * leaves its exit status in a file; the orchestrator (libs/replication) reads and writes the
 * other ends.
 */
import type { ConnectorRole } from '@tributary/domain';

/** the emptyDir every container of the pod mounts */
export const POD_SHARED_DIR = '/tributary/shared';
/** the attempt's Secret (input and API credential), mounted in the init and orchestrator containers only */
export const POD_INPUT_DIR = '/tributary/input';
/** Secret keys */
export const RUNNER_INPUT_KEY = 'input.json';
export const RUNNER_TOKEN_KEY = 'token';

export interface ConnectorPodFiles {
  dir: string;
  config: string;
  catalog: string;
  state: string;
  /** named pipes */
  stdin: string;
  stdout: string;
  stderr: string;
  /** the exit status, written by the container once the connector has exited */
  exitStatus: string;
}

export function connectorPodFiles(role: ConnectorRole, sharedDir = POD_SHARED_DIR): ConnectorPodFiles {
  const dir = `${sharedDir}/${role}`;
  return {
    dir,
    config: `${dir}/config.json`,
    catalog: `${dir}/catalog.json`,
    state: `${dir}/state.json`,
    stdin: `${dir}/stdin`,
    stdout: `${dir}/stdout`,
    stderr: `${dir}/stderr`,
    exitStatus: `${dir}/exit-status`,
  };
}

/**
 * The shell script a connector container runs: `$AIRBYTE_ENTRYPOINT read|write ...` as Airbyte
 * images expect (unquoted: an entrypoint may be `python /airbyte/integration_code/main.py`),
 * stdio on the pipes, then the exit status into its file (the orchestrator cannot wait on
 * another container's process) and as the container's own.
 */
export function connectorContainerScript(role: ConnectorRole, options: { withState: boolean; sharedDir?: string }): string {
  const files = connectorPodFiles(role, options.sharedDir);
  const command =
    role === 'source'
      ? `$AIRBYTE_ENTRYPOINT read --config ${files.config} --catalog ${files.catalog}${options.withState ? ` --state ${files.state}` : ''} > ${files.stdout}`
      : `$AIRBYTE_ENTRYPOINT write --config ${files.config} --catalog ${files.catalog} < ${files.stdin} > ${files.stdout}`;
  return `${command} 2> ${files.stderr}; status=$?; echo $status > ${files.exitStatus}.tmp && mv ${files.exitStatus}.tmp ${files.exitStatus}; exit $status`;
}
