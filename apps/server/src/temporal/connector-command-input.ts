/**
 * What a spec/check/discover request hands to Temporal: the one place that decides how a
 * connector config travels to the worker. It is sealed with the platform's secret key
 * (TRIBUTARY_SECRET_KEY, shared by server and worker), so the workflow history in Temporal
 * never holds a secret in clear; the worker's command activity unseals it.
 */
import { sealJson, type ActorDefinitionEntity } from '@tributary/db';
import type { ConnectorCommand, ConnectorCommandInput } from '@tributary/workflows';

export function connectorCommandInput(
  secretKey: Buffer,
  command: ConnectorCommand,
  role: ConnectorCommandInput['role'],
  definition: Pick<ActorDefinitionEntity, 'runtime' | 'image'>,
  config: Record<string, unknown> | undefined,
  timeoutMs: number,
  sourceId?: string,
): ConnectorCommandInput {
  return {
    command,
    role,
    definition: { runtime: definition.runtime, ...(definition.image ? { image: definition.image } : {}) },
    ...(config !== undefined ? { sealedConfig: sealJson(secretKey, config) } : {}),
    ...(sourceId !== undefined ? { sourceId } : {}),
    timeoutMs,
  };
}
