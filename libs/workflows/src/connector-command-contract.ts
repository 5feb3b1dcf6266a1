/** spec / check / discover through Temporal: what the server sends and gets back. */
import type { ConnectorRole, FailureReason } from '@tributary/domain';
import type { ConnectorDefinition } from '@tributary/launcher';
import type { AirbyteConnectionStatus, ConnectorSpecification } from '@tributary/protocol';

export interface ConnectorCommandOutputs {
  spec: ConnectorSpecification;
  check: AirbyteConnectionStatus;
  /**
   * the catalog as the worker stored it for the source (actor_catalog): catalogs of sources
   * with many tables outgrow what a Temporal payload may hold (2 MB by default), so they
   * travel through the database
   */
  discover: { catalogId: string };
}
export type ConnectorCommand = keyof ConnectorCommandOutputs;

/**
 * Where a check or discover takes the connector config from. Configs travel one way: a saved
 * source or destination goes by id and the worker loads and decrypts its stored config; only a
 * config that is not saved yet travels, sealed.
 */
export type ConnectorCommandConfig =
  | { actorId: string }
  /**
   * libs/db sealJson of a SealedConnectorConfig with the platform's secret key, so workflow
   * history never holds a secret in clear
   */
  | { sealed: string };

/** What a sealed config holds: the config, and its secret values, which the worker masks in what it answers. */
export interface SealedConnectorConfig {
  config: Record<string, unknown>;
  secretValues: string[];
}

export interface ConnectorCommandInput<C extends ConnectorCommand = ConnectorCommand> {
  command: C;
  definition: ConnectorDefinition;
  /** whose failure a failed command is (its origin); default source */
  role?: ConnectorRole;
  /** required by check and discover; discover needs a saved source (its catalog is stored for it) */
  config?: ConnectorCommandConfig;
  /** how long the connector may run, installation included; default CONNECTOR_COMMAND_TIMEOUT_MS */
  timeoutMs?: number;
}

/**
 * A connector that ran but failed (crash, bad output, install error) is a result, not an
 * exception. Every message in it is masked with the config's secret values by the worker.
 */
export type ConnectorCommandResult<C extends ConnectorCommand = ConnectorCommand> =
  // distributive: narrowing on `command` narrows `value`
  | (C extends ConnectorCommand ? { ok: true; command: C; value: ConnectorCommandOutputs[C] } : never)
  | { ok: false; failure: FailureReason };

/** First runs of a PyPI connector include its installation into a virtualenv. */
export const CONNECTOR_COMMAND_TIMEOUT_MS = 10 * 60_000;

/** The workflow the server starts for a command (implemented in ./workflows). */
export type ConnectorCommandWorkflow = (input: ConnectorCommandInput) => Promise<ConnectorCommandResult>;
