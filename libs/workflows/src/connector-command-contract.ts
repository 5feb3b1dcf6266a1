/** spec / check / discover through Temporal: what the server sends and gets back. */
import type { ConnectorDefinition, ConnectorRole, FailureReason } from '@tributary/launcher';
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

export interface ConnectorCommandInput<C extends ConnectorCommand = ConnectorCommand> {
  command: C;
  definition: ConnectorDefinition;
  /** whose failure a failed command is (its origin); default source */
  role?: ConnectorRole;
  /**
   * required by check and discover: the connector config encrypted with the platform's
   * secret key (libs/db sealJson), so workflow history never holds a secret in clear
   */
  sealedConfig?: string;
  /** required by discover: the saved source whose catalog it is */
  sourceId?: string;
  /** how long the connector may run, installation included; default CONNECTOR_COMMAND_TIMEOUT_MS */
  timeoutMs?: number;
}

/** A connector that ran but failed (crash, bad output, install error) is a result, not an exception. */
export type ConnectorCommandResult<C extends ConnectorCommand = ConnectorCommand> =
  // distributive: narrowing on `command` narrows `value`
  | (C extends ConnectorCommand ? { ok: true; command: C; value: ConnectorCommandOutputs[C] } : never)
  | { ok: false; failure: FailureReason };

/** First runs of a PyPI connector include its installation into a virtualenv. */
export const CONNECTOR_COMMAND_TIMEOUT_MS = 10 * 60_000;
