import { ActorCatalogEntity } from './actor-catalog.entity.js';
import { ActorDefinitionEntity } from './actor-definition.entity.js';
import { ActorEntity } from './actor.entity.js';
import { ApiTokenEntity } from './api-token.entity.js';
import { AttemptEntity } from './attempt.entity.js';
import { ConnectionStateEntity } from './connection-state.entity.js';
import { ConnectionEntity } from './connection.entity.js';
import { ConnectionTriggerEntity } from './connection-trigger.entity.js';
import { ACTIVE_JOB_STATUSES, JobEntity } from './job.entity.js';
import { NotificationChannelEntity } from './notification-channel.entity.js';
import { NotificationDeliveryEntity } from './notification-delivery.entity.js';
import { PlatformMetadataEntity } from './platform-metadata.entity.js';
import { UserSessionEntity } from './user-session.entity.js';
import { UserEntity, USER_ROLES } from './user.entity.js';
import { WorkspaceEntity } from './workspace.entity.js';

export {
  ActorCatalogEntity,
  ActorDefinitionEntity,
  ActorEntity,
  ApiTokenEntity,
  AttemptEntity,
  ConnectionStateEntity,
  ConnectionEntity,
  JobEntity,
  PlatformMetadataEntity,
  WorkspaceEntity,
  NotificationChannelEntity,
  NotificationDeliveryEntity,
  ConnectionTriggerEntity,
  UserEntity,
  UserSessionEntity,
  USER_ROLES,
  ACTIVE_JOB_STATUSES,
};
export type { UserRole } from './user.entity.js';
export type { ActorType } from './columns.js';
export { INSTALLED_RUNTIMES, type InstallStatus } from './actor-definition.entity.js';
export type { ConnectionSchedule, ConnectionStatus, NamespaceDefinition, NonBreakingChangesPolicy } from './connection.entity.js';
export type { JobStatus, JobType } from './job.entity.js';
export type { AttemptStatus } from './attempt.entity.js';
export type { ConnectionStateType } from './connection-state.entity.js';

/** Every entity, for the DataSource. */
export const entities = [
  WorkspaceEntity,
  ApiTokenEntity,
  ActorDefinitionEntity,
  ActorEntity,
  ActorCatalogEntity,
  ConnectionEntity,
  JobEntity,
  AttemptEntity,
  ConnectionStateEntity,
  PlatformMetadataEntity,
  UserEntity,
  UserSessionEntity,
  NotificationChannelEntity,
  NotificationDeliveryEntity,
  ConnectionTriggerEntity,
];
