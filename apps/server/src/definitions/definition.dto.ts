import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { plainToInstance, Transform, Type } from 'class-transformer';
import { IsArray, IsIn, IsNotEmpty, IsObject, IsOptional, IsString, IsUrl, Matches, MaxLength, ValidateNested } from 'class-validator';
import type { ActorDefinitionEntity, InstallStatus } from '@tributary/db';
import type { ConnectorRuntime } from '@tributary/launcher';
import { PageOf } from '../common/pagination.dto.js';
import { RESOURCE_REQUIREMENTS_DESCRIPTION, ResourceRequirementsDto } from '../common/resource-requirements.js';
import { IsOmittable, RequireSomeProperty } from '../validation/request-body.js';

// package names and versions end up on an installer's command line: keep them to safe characters
const PACKAGE = /^(@[a-z0-9][a-z0-9._-]*\/)?[A-Za-z0-9][A-Za-z0-9._-]*$/;
const VERSION = /^[A-Za-z0-9][A-Za-z0-9.+_-]*$/;
const DEFINITION_NAME = /^[a-z0-9][a-z0-9-]{0,99}$/;

/** The kinds a user may give a custom definition; `builtin` is for connectors shipped with Tributary. */
export const CUSTOM_RUNTIME_KINDS = ['pypi', 'npm', 'command'] as const;

export class PypiRuntimeDto {
  @ApiProperty({ enum: ['pypi'] })
  @IsIn(['pypi'])
  kind!: 'pypi';
  @ApiProperty({ example: 'airbyte-source-faker', pattern: PACKAGE.source })
  @Matches(PACKAGE, { message: 'must be a package name' })
  package!: string;
  @ApiProperty({ example: '7.2.1', pattern: VERSION.source })
  @Matches(VERSION, { message: 'must be a version' })
  version!: string;
  @ApiPropertyOptional({ description: 'console script; default: the package name', example: 'source-faker', pattern: PACKAGE.source })
  @IsOmittable()
  @Matches(PACKAGE, { message: 'must be a console script name' })
  entrypoint?: string;
}

export class NpmRuntimeDto {
  @ApiProperty({ enum: ['npm'] })
  @IsIn(['npm'])
  kind!: 'npm';
  @ApiProperty({ pattern: PACKAGE.source })
  @Matches(PACKAGE, { message: 'must be a package name' })
  package!: string;
  @ApiProperty({ pattern: VERSION.source })
  @Matches(VERSION, { message: 'must be a version' })
  version!: string;
  @ApiPropertyOptional({ description: "bin name; default: the package's only bin", pattern: PACKAGE.source })
  @IsOmittable()
  @Matches(PACKAGE, { message: 'must be a bin name' })
  bin?: string;
}

export class BuiltinRuntimeDto {
  @ApiProperty({ enum: ['builtin'] })
  kind!: 'builtin';
  @ApiProperty({ example: 'source-sample' })
  name!: string;
}

export class CommandRuntimeDto {
  @ApiProperty({ enum: ['command'] })
  @IsIn(['command'])
  kind!: 'command';
  @ApiProperty({ description: 'an executable on the worker machine', minLength: 1 })
  @IsString()
  @IsNotEmpty()
  command!: string;
  @ApiPropertyOptional({ type: [String] })
  @IsOmittable()
  @IsArray()
  @IsString({ each: true })
  args?: string[];
}

/** Where class-transformer lands an unknown `kind`: only `kind` is checked, and it fails. */
class UnknownRuntimeDto {
  @IsIn(CUSTOM_RUNTIME_KINDS, { message: `kind must be one of: ${CUSTOM_RUNTIME_KINDS.join(', ')}` })
  kind!: string;
}

export type CustomRuntime = PypiRuntimeDto | NpmRuntimeDto | CommandRuntimeDto;

const RUNTIME_CLASSES: Record<string, new () => object> = { pypi: PypiRuntimeDto, npm: NpmRuntimeDto, command: CommandRuntimeDto };

/**
 * The runtime DTO its `kind` names; an unknown kind lands in UnknownRuntimeDto (which names
 * the bad kind), anything but an object stays as it is (and fails @IsObject). Picked here,
 * not with class-transformer's discriminator, which throws on `[null]`.
 */
function toRuntimeDto(runtime: unknown): unknown {
  if (typeof runtime !== 'object' || runtime === null || Array.isArray(runtime)) return runtime;
  const kind = (runtime as { kind?: unknown }).kind;
  const dto = (typeof kind === 'string' && Object.hasOwn(RUNTIME_CLASSES, kind) ? RUNTIME_CLASSES[kind] : undefined) ?? UnknownRuntimeDto;
  return plainToInstance(dto, runtime);
}

export class CreateDefinitionDto {
  @ApiProperty({ example: 'source-my-api', description: 'unique among definitions of this type', pattern: DEFINITION_NAME.source })
  @Matches(DEFINITION_NAME, { message: 'must be lower-case letters, digits and dashes' })
  name!: string;

  @ApiProperty({
    description: 'how the embedded launcher runs it',
    oneOf: [PypiRuntimeDto, NpmRuntimeDto, CommandRuntimeDto].map((m) => ({ $ref: getSchemaPath(m) })),
    discriminator: { propertyName: 'kind', mapping: runtimeMapping([PypiRuntimeDto, NpmRuntimeDto, CommandRuntimeDto]) },
  })
  @IsObject()
  @ValidateNested()
  @Transform(({ obj }: { obj: { runtime?: unknown } }) => toRuntimeDto(obj.runtime))
  runtime!: CustomRuntime;

  @ApiPropertyOptional({ description: 'version label; default: the runtime version, or "dev" for a command', example: '1.0.0', pattern: VERSION.source })
  @IsOmittable()
  @Matches(VERSION, { message: 'must be a version' })
  version?: string;

  @ApiPropertyOptional({ description: 'repository:tag for the Kubernetes launcher', example: 'ghcr.io/acme/source-my-api:1.0.0', maxLength: 500 })
  @IsOmittable()
  @IsString()
  @MaxLength(500)
  image?: string;

  @ApiPropertyOptional({ example: 'https://example.com/docs', format: 'uri' })
  @IsOmittable()
  @IsUrl({ require_tld: false })
  documentationUrl?: string;

  @ApiPropertyOptional({ type: ResourceRequirementsDto, description: `the connector's own resources: ${RESOURCE_REQUIREMENTS_DESCRIPTION}` })
  @IsOmittable()
  @IsObject()
  @ValidateNested()
  @Type(() => ResourceRequirementsDto)
  resourceRequirements?: ResourceRequirementsDto;
}

@RequireSomeProperty()
export class UpdateDefinitionDto {
  @ApiPropertyOptional({
    type: ResourceRequirementsDto,
    nullable: true,
    description: `the connector's own resources, replacing the previous ones (null: none): ${RESOURCE_REQUIREMENTS_DESCRIPTION}`,
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ResourceRequirementsDto)
  resourceRequirements?: ResourceRequirementsDto | null;
}

@RequireSomeProperty()
export class UpdateDefinitionVersionDto {
  @ApiProperty({ description: 'the connector version to run (PyPI/npm package version); the cached spec is dropped', example: '7.3.0', pattern: VERSION.source })
  @Matches(VERSION, { message: 'must be a version' })
  version!: string;

  @ApiPropertyOptional({ description: 'repository:tag for the Kubernetes launcher, for the new version', maxLength: 500 })
  @IsOmittable()
  @IsString()
  @MaxLength(500)
  image?: string;
}

export const RUNTIME_MODELS = [PypiRuntimeDto, NpmRuntimeDto, BuiltinRuntimeDto, CommandRuntimeDto];

/** OpenAPI discriminator mapping `kind` value -> schema, so generated clients narrow on `kind`. */
function runtimeMapping(models: (new () => { kind: string })[]): Record<string, string> {
  const kindOf = (m: new () => { kind: string }) => m.name.replace(/RuntimeDto$/, '').toLowerCase();
  return Object.fromEntries(models.map((m) => [kindOf(m), getSchemaPath(m)]));
}

export class ConnectorDefinitionResponseDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'source-faker' })
  name!: string;

  @ApiProperty({ example: '7.2.1' })
  version!: string;

  @ApiProperty({
    description: 'how the embedded launcher runs the connector',
    oneOf: RUNTIME_MODELS.map((m) => ({ $ref: getSchemaPath(m) })),
    discriminator: { propertyName: 'kind', mapping: runtimeMapping(RUNTIME_MODELS) },
  })
  runtime!: ConnectorRuntime;

  @ApiProperty({ type: String, nullable: true, description: 'repository:tag for the Kubernetes launcher', example: 'airbyte/source-faker:7.2.1' })
  image!: string | null;

  @ApiProperty({ type: String, nullable: true })
  documentationUrl!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'the version Tributary ships (null for custom definitions)' })
  defaultVersion!: string | null;

  @ApiProperty({ description: 'added by a user rather than shipped with Tributary' })
  custom!: boolean;

  @ApiProperty({ description: 'whether the connector spec is cached (configurations can be validated)' })
  specAvailable!: boolean;

  @ApiProperty({
    enum: ['pending', 'installing', 'ready', 'failed'],
    description:
      'PyPI and npm connectors are installed in the background when added or moved to another version: pending, installing, ready, or failed (installError says why; POST .../install tries again). Others are always ready.',
  })
  installStatus!: InstallStatus;

  @ApiProperty({ type: String, nullable: true, description: "why the install failed (pip's or npm's words)" })
  installError!: string | null;

  @ApiProperty({ type: ResourceRequirementsDto, nullable: true, description: `the connector's own resources (null: none): ${RESOURCE_REQUIREMENTS_DESCRIPTION}` })
  resourceRequirements!: ResourceRequirementsDto | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export const ConnectorDefinitionPageDto = PageOf(ConnectorDefinitionResponseDto, 'ConnectorDefinitionPage');

export class ConnectorSpecificationResponseDto {
  @ApiProperty({ format: 'uuid' })
  definitionId!: string;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'JSON Schema of the connector configuration' })
  connectionSpecification!: Record<string, unknown>;

  @ApiProperty({ type: String, nullable: true })
  documentationUrl!: string | null;

  @ApiProperty()
  supportsIncremental!: boolean;

  @ApiProperty({ type: [String], description: 'destinations only', example: ['overwrite', 'append'] })
  supportedDestinationSyncModes!: string[];
}

export function toDefinitionResponse(entity: ActorDefinitionEntity): ConnectorDefinitionResponseDto {
  return {
    id: entity.id,
    name: entity.name,
    version: entity.version,
    runtime: entity.runtime,
    image: entity.image,
    documentationUrl: entity.documentationUrl,
    defaultVersion: entity.defaultVersion,
    custom: entity.custom,
    specAvailable: entity.spec !== null,
    installStatus: entity.installStatus,
    installError: entity.installError,
    resourceRequirements: entity.resourceRequirements,
    createdAt: entity.createdAt.toISOString(),
    updatedAt: entity.updatedAt.toISOString(),
  };
}

export function toSpecificationResponse(entity: ActorDefinitionEntity & { spec: NonNullable<ActorDefinitionEntity['spec']> }): ConnectorSpecificationResponseDto {
  return {
    definitionId: entity.id,
    connectionSpecification: entity.spec.connectionSpecification,
    documentationUrl: entity.spec.documentationUrl ?? entity.documentationUrl,
    supportsIncremental: entity.spec.supportsIncremental ?? false,
    supportedDestinationSyncModes: entity.spec.supported_destination_sync_modes ?? [],
  };
}
