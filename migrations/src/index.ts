/**
 * Every schema migration, oldest first. Raw SQL only: the entities in libs/db must
 * match what these create (libs/db's drift test checks it on a real database).
 */
import type { MigrationInterface } from 'typeorm';
import { Initial1763800000000 } from './1763800000000-initial.js';
import { ListOrderIndexes1763900000000 } from './1763900000000-list-order-indexes.js';
import { ConnectionFieldSelection1764000000000 } from './1764000000000-connection-field-selection.js';
import { ConnectionCatalogSummary1764100000000 } from './1764100000000-connection-catalog-summary.js';
import { AttemptNextStep1764150000000 } from './1764150000000-attempt-next-step.js';
import { UsersAndSessions1764200000000 } from './1764200000000-users-and-sessions.js';
import { ApiTokenRoles1764300000000 } from './1764300000000-api-token-roles.js';
import { JobRequestId1764350000000 } from './1764350000000-job-request-id.js';
import { DefinitionInstallStatus1764400000000 } from './1764400000000-definition-install-status.js';
import { ActorPreviousConfiguration1764450000000 } from './1764450000000-actor-previous-configuration.js';
import { Notifications1764700000000 } from './1764700000000-notifications.js';
import { ConnectionTriggers1764750000000 } from './1764750000000-connection-triggers.js';
import { AttemptRunner1764800000000 } from './1764800000000-attempt-runner.js';
import { ResourceRequirements1764800100000 } from './1764800100000-resource-requirements.js';

export const migrations: (new () => MigrationInterface)[] = [
  Initial1763800000000,
  ListOrderIndexes1763900000000,
  ConnectionFieldSelection1764000000000,
  ConnectionCatalogSummary1764100000000,
  AttemptNextStep1764150000000,
  UsersAndSessions1764200000000,
  ApiTokenRoles1764300000000,
  JobRequestId1764350000000,
  DefinitionInstallStatus1764400000000,
  ActorPreviousConfiguration1764450000000,
  Notifications1764700000000,
  ConnectionTriggers1764750000000,
  AttemptRunner1764800000000,
  ResourceRequirements1764800100000,
];
