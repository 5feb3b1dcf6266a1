/**
 * KubernetesLauncher: spec, check and discover as short one-connector pods. The connector's
 * image runs `$AIRBYTE_ENTRYPOINT spec|check|discover --config /config/config.json` as
 * Airbyte images expect; the config is a file of a Secret owned by the pod (never an env
 * value); the output is read back through the API's pods/log once the pod has ended; the pod
 * and its Secret are deleted before the answer returns. read and write are not run here: in a
 * cluster a sync runs as one replication pod (replication-pod.ts).
 */
import { CoreV1Api, type KubeConfig, type V1Container, type V1Pod } from '@kubernetes/client-node';
import type { FailureReason, JobType } from '@tributary/domain';
import type {
  AirbyteCatalog,
  AirbyteConnectionStatus,
  AirbyteMessage,
  AirbyteMessageType,
  ConnectorSpecification,
} from '@tributary/protocol';
import { OneMessageOutput } from '../one-message-output.js';
import { platformLog } from '../platform-log.js';
import { DEFAULT_COMMAND_TIMEOUT_MS } from '../process-launcher.js';
import type { ConnectorDefinition, ConnectorLauncher, ConnectorProcess, LaunchResult, RunOptions } from '../types.js';
import {
  CONFIG_MOUNT_PATH,
  CONFIG_VOLUME,
  JOB_CONTAINER_SECURITY_CONTEXT,
  configSecretVolume,
  createJobPod,
  deleteJobPod,
  imageName,
  jobPodName,
  jobPodSpecBase,
  type KubernetesJobSettings,
} from './job-pod.js';
import { jobPodLabels } from './pod-labels.js';
import { watchPod, type PodEnd } from './pod-watch.js';
import { containerResources, resolveResources } from './resources.js';

/** The one container of a spec/check/discover pod. */
export const CONNECTOR_CONTAINER = 'main';

export interface KubernetesLauncherOptions {
  /** in a cluster: loadFromCluster(); the worker's service account needs the chart's worker Role */
  kubeConfig: KubeConfig;
  settings: KubernetesJobSettings;
}

type OneConnectorCommand = Exclude<JobType, 'sync'>;

export class KubernetesLauncher implements ConnectorLauncher {
  private readonly core: CoreV1Api;

  constructor(private readonly options: KubernetesLauncherOptions) {
    this.core = options.kubeConfig.makeApiClient(CoreV1Api);
  }

  spec(def: ConnectorDefinition, options: RunOptions = {}): Promise<LaunchResult<ConnectorSpecification>> {
    return this.runPod(def, 'spec', undefined, 'SPEC', options, (m) => (m.type === 'SPEC' ? m.spec : undefined));
  }

  check(def: ConnectorDefinition, config: Record<string, unknown>, options: RunOptions = {}): Promise<LaunchResult<AirbyteConnectionStatus>> {
    return this.runPod(def, 'check', config, 'CONNECTION_STATUS', options, (m) => (m.type === 'CONNECTION_STATUS' ? m.connectionStatus : undefined));
  }

  discover(def: ConnectorDefinition, config: Record<string, unknown>, options: RunOptions = {}): Promise<LaunchResult<AirbyteCatalog>> {
    return this.runPod(def, 'discover', config, 'CATALOG', options, (m) => (m.type === 'CATALOG' ? m.catalog : undefined));
  }

  read(): Promise<ConnectorProcess> {
    return Promise.reject(new Error('KubernetesLauncher does not run read: in Kubernetes a sync runs as one replication pod'));
  }

  write(): Promise<ConnectorProcess> {
    return Promise.reject(new Error('KubernetesLauncher does not run write: in Kubernetes a sync runs as one replication pod'));
  }

  /** The pod of one spec/check/discover: labels, resources, the config Secret's volume; nothing secret inline. */
  connectorPod(def: ConnectorDefinition & { image: string }, command: OneConnectorCommand, hasConfig: boolean, options: RunOptions = {}): V1Pod {
    const { settings } = this.options;
    const name = jobPodName(`${command}-${imageName(def.image)}`);
    const args = hasConfig ? `${command} --config ${CONFIG_MOUNT_PATH}/config.json` : command;
    const container: V1Container = {
      name: CONNECTOR_CONTAINER,
      image: def.image,
      // $AIRBYTE_ENTRYPOINT unquoted: it may be a command with arguments (`python /airbyte/main.py`)
      command: ['sh', '-c', `exec \${AIRBYTE_ENTRYPOINT:?the image sets no AIRBYTE_ENTRYPOINT} ${args}`],
      env: Object.entries(def.env ?? {}).map(([envName, value]) => ({ name: envName, value })),
      resources: containerResources(resolveResources(command, { definition: def.resources }, settings.resources)),
      securityContext: JOB_CONTAINER_SECURITY_CONTEXT,
      ...(hasConfig ? { volumeMounts: [{ name: CONFIG_VOLUME, mountPath: CONFIG_MOUNT_PATH, readOnly: true }] } : {}),
    };
    return {
      metadata: {
        name,
        namespace: settings.namespace,
        labels: jobPodLabels({ jobType: command, jobId: options.job?.id ?? name, attempt: options.job?.attempt ?? 1 }),
      },
      spec: {
        ...jobPodSpecBase(settings, command),
        containers: [container],
        ...(hasConfig ? { volumes: [configSecretVolume(name)] } : {}),
      },
    };
  }

  private async runPod<T>(
    def: ConnectorDefinition,
    command: OneConnectorCommand,
    config: Record<string, unknown> | undefined,
    expected: AirbyteMessageType,
    options: RunOptions,
    pick: (m: AirbyteMessage) => T | undefined,
  ): Promise<LaunchResult<T>> {
    const role = options.role ?? 'source';
    const failure = (type: FailureReason['type'], message: string): LaunchResult<T> => ({
      ok: false,
      failure: { origin: role, type, message, timestamp: Date.now() },
    });
    if (!def.image) return failure('config_error', `the ${role} connector has no image: the Kubernetes launcher runs connectors from images`);
    const { namespace, pendingTimeoutMs } = this.options.settings;
    const log = platformLog(options.onLog);
    const pod = this.connectorPod({ ...def, image: def.image }, command, config !== undefined, options);
    const name = pod.metadata!.name!;

    // the caller's cancel and this command's timeout both end the pod
    const timeoutMs = options.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    const stop = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      stop.abort();
    }, timeoutMs);
    const onAbort = () => stop.abort();
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      try {
        await createJobPod(this.core, namespace, pod, config ? { 'config.json': JSON.stringify(config) } : undefined);
      } catch (error) {
        return failure('system_error', `could not create the ${role} ${command} pod ${namespace}/${name}: ${describe(error)}`);
      }
      log('info', `running ${role} ${command} in pod ${namespace}/${name} (${def.image})`);
      const end = await watchPod({ kubeConfig: this.options.kubeConfig, namespace, name, pendingTimeoutMs, signal: stop.signal });
      const output = new OneMessageOutput(role, expected, pick, options.onLog);
      if (ran(end)) {
        try {
          output.push(Buffer.from(await this.core.readNamespacedPodLog({ name, namespace, container: CONNECTOR_CONTAINER })));
        } catch (error) {
          log('warn', `could not read the log of pod ${namespace}/${name}: ${describe(error)}`);
        }
        output.end();
      }
      return output.result(end.ok, () => {
        if (end.ok) return { type: 'system_error', message: `${role} ${command} ended without a ${expected} message` };
        if (timedOut) return { type: 'transient_error', message: `${role} ${command} timed out after ${timeoutMs} ms` };
        if (end.kind === 'cancelled') return { type: 'system_error', message: `${role} ${command} was cancelled` };
        return { type: 'system_error', message: `${role} ${command} failed: ${end.message}` };
      });
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      await deleteJobPod(this.core, namespace, name).catch((error: unknown) =>
        log('warn', `could not delete pod ${namespace}/${name} and its config Secret: ${describe(error)}`),
      );
    }
  }
}

/** The connector ran (and left a log): the pod ended by itself, or a container was killed for memory. */
function ran(end: PodEnd): boolean {
  return end.ok || end.kind === 'failed' || end.kind === 'out-of-memory';
}

function describe(error: unknown): string {
  const body = (error as { body?: unknown }).body;
  if (typeof body === 'string') {
    try {
      return (JSON.parse(body) as { message?: string }).message ?? body;
    } catch {
      return body;
    }
  }
  return error instanceof Error ? error.message : String(error);
}
