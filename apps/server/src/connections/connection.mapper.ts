import { streamsOf } from './configure-streams.js';
import type { ConnectionResponseDto } from './connection.dto.js';
import type { ConnectionView } from './connection-reads.js';
import { toScheduleDto } from './schedule.js';

export function toConnectionResponse(entity: ConnectionView): ConnectionResponseDto {
  return {
    id: entity.id,
    name: entity.name,
    workspaceId: entity.source.workspaceId,
    sourceId: entity.sourceId,
    destinationId: entity.destinationId,
    streams: streamsOf(entity.configuredCatalog, entity.fieldSelection),
    schedule: toScheduleDto(entity.schedule),
    status: entity.status,
    statusReason: entity.statusReason,
    namespaceDefinition: entity.namespaceDefinition,
    namespaceFormat: entity.namespaceFormat,
    prefix: entity.prefix,
    nonBreakingChangesPolicy: entity.nonBreakingChangesPolicy,
    resourceRequirements: entity.resourceRequirements,
    createdAt: entity.createdAt.toISOString(),
    updatedAt: entity.updatedAt.toISOString(),
  };
}
