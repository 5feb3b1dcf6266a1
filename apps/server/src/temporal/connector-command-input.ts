/**
 * What a spec/check/discover request hands to Temporal: the one place that decides how a
 * connector config travels to the worker. A saved source or destination travels as its id
 * (the worker loads and decrypts the stored config, as for syncs); a config that is not saved
 * yet travels sealed with the platform's secret key (TRIBUTARY_SECRET_KEY, shared by server and
 * worker), with its secret values, so workflow history never holds a secret in clear.
 */
import { sealJson, type ActorDefinitionEntity } from '@tributary/db';
import type { ConnectorCommand, ConnectorCommandConfig, ConnectorCommandInput, SealedConnectorConfig } from '@tributary/workflows';

/** A saved actor's id, or a config not saved yet with the plaintext of its secret fields. */
export type CommandConfig = { actorId: string } | { unsaved: SealedConnectorConfig };

function travelling(secretKey: Buffer, config: CommandConfig): ConnectorCommandConfig {
  return 'actorId' in config ? { actorId: config.actorId } : { sealed: sealJson(secretKey, config.unsaved) };
}

export function connectorCommandInput(
  secretKey: Buffer,
  command: ConnectorCommand,
  role: ConnectorCommandInput['role'],
  definition: Pick<ActorDefinitionEntity, 'runtime' | 'image' | 'resourceRequirements'>,
  config: CommandConfig | undefined,
  timeoutMs: number,
): ConnectorCommandInput {
  return {
    command,
    role,
    definition: {
      runtime: definition.runtime,
      ...(definition.image ? { image: definition.image } : {}),
      ...(definition.resourceRequirements ? { resources: definition.resourceRequirements } : {}),
    },
    ...(config !== undefined ? { config: travelling(secretKey, config) } : {}),
    timeoutMs,
  };
}
