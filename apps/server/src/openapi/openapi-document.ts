import { TRIGGER_TOKEN_PATTERN } from '../triggers/triggers.service.js';
import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { TRIBUTARY_VERSION } from '@tributary/config';
import { routeAccessOf } from '../auth/route-access.js';
import { ProblemDto, ProblemFieldErrorDto } from '../errors/problem.dto.js';
import { nonEmptyBodySchemaNames } from '../validation/request-body.js';
import { JOB_ID } from '../jobs/job-id.pipe.js';
import { MAX_ATTEMPT_NUMBER } from '../logs/attempt-number.pipe.js';

type SchemaObject = Record<string, unknown> & { properties?: Record<string, unknown>; additionalProperties?: unknown; minProperties?: number };

/**
 * The OpenAPI document, generated from the controllers and DTOs (the source of truth).
 * Deterministic: the committed libs/api-client/openapi.json must equal it.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Tributary Config API')
    .setDescription('Configure sources, destinations and connections, and run syncs. Errors are RFC 9457 application/problem+json.')
    .setVersion(TRIBUTARY_VERSION)
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'an API token (`trb_...`)' }, 'bearer')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: "a replication pod's per-attempt credential (`trr_...`): the runner routes only" }, 'runner')
    .addSecurityRequirements('bearer')
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    extraModels: [ProblemDto, ProblemFieldErrorDto],
    operationIdFactory: (controllerKey, methodKey) => `${controllerKey.replace(/Controller$/, '')}_${methodKey}`,
  });
  addAccess(document);
  declareBodyStrictness(document);
  declarePathParameters(document);
  return document;
}

/** What the path parameter pipes accept (UuidParamPipe, JobIdPipe, AttemptNumberPipe), by parameter name. */
const PATH_PARAMETER_SCHEMAS: Record<string, Record<string, unknown>> = {
  workspaceId: { type: 'string', format: 'uuid' },
  sourceId: { type: 'string', format: 'uuid' },
  destinationId: { type: 'string', format: 'uuid' },
  connectionId: { type: 'string', format: 'uuid' },
  definitionId: { type: 'string', format: 'uuid' },
  tokenId: { type: 'string', format: 'uuid' },
  channelId: { type: 'string', format: 'uuid' },
  triggerId: { type: 'string', format: 'uuid' },
  token: { type: 'string', pattern: TRIGGER_TOKEN_PATTERN.source },
  userId: { type: 'string', format: 'uuid' },
  jobId: { type: 'string', pattern: JOB_ID.source, example: '42' },
  attemptNumber: { type: 'integer', minimum: 0, maximum: MAX_ATTEMPT_NUMBER },
};

/** Nest documents every path parameter as a bare string; say what its pipe accepts. A new parameter must be added above. */
function declarePathParameters(document: OpenAPIObject): void {
  for (const [path, pathItem] of Object.entries(document.paths)) {
    for (const method of OPERATION_METHODS) {
      for (const parameter of pathItem[method]?.parameters ?? []) {
        if (!('in' in parameter) || parameter.in !== 'path') continue;
        const schema = PATH_PARAMETER_SCHEMAS[parameter.name];
        if (!schema) throw new Error(`path parameter ${parameter.name} of ${method.toUpperCase()} ${path}: declare its schema in PATH_PARAMETER_SCHEMAS`);
        parameter.schema = { ...schema };
      }
    }
  }
}

const OPERATION_METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/** Every `$ref` schema name used anywhere inside `node`. */
function referencedSchemaNames(node: unknown, into: Set<string> = new Set()): Set<string> {
  if (Array.isArray(node)) for (const item of node) referencedSchemaNames(item, into);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') into.add(value.replace('#/components/schemas/', ''));
      else referencedSchemaNames(value, into);
    }
  }
  return into;
}

/**
 * What the validation pipe enforces, said in the document: request body objects take no
 * property they do not declare (whitelist + forbidNonWhitelisted), updates set at least one
 * property (@RequireSomeProperty), and a body that is not JSON is answered 415.
 */
function declareBodyStrictness(document: OpenAPIObject): void {
  const schemas = (document.components?.schemas ?? {}) as Record<string, SchemaObject>;
  const bodySchemas = new Set<string>();
  for (const pathItem of Object.values(document.paths)) {
    for (const method of OPERATION_METHODS) {
      const operation = pathItem[method];
      if (!operation?.requestBody) continue;
      referencedSchemaNames(operation.requestBody, bodySchemas);
      operation.responses['415'] ??= {
        description: 'The body is not `application/json`',
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDto' } } },
      };
    }
  }
  // nested DTOs (a stream of a connection, a runtime of a definition) are whitelisted too
  const pending = [...bodySchemas];
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    for (const nested of referencedSchemaNames(schemas[name]?.properties ?? {})) {
      if (bodySchemas.has(nested)) continue;
      bodySchemas.add(nested);
      pending.push(nested);
    }
  }
  for (const name of bodySchemas) {
    const schema = schemas[name];
    if (schema && schema.additionalProperties === undefined) schema.additionalProperties = false;
  }
  for (const name of nonEmptyBodySchemaNames()) {
    const schema = schemas[name];
    if (schema) schema.minProperties = 1;
  }
}

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDto' } } },
});

/**
 * What each operation needs, from the access table (auth/route-access.ts): public operations
 * get `security: []`; runner operations take only the runner credential; every other one names its least role (`x-minimum-role`, and in its
 * description) and can answer 401 and 403.
 */
function addAccess(document: OpenAPIObject): void {
  for (const pathItem of Object.values(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation = pathItem[method];
      if (!operation) continue;
      const access = routeAccessOf(operation.operationId);
      if (access === 'public') {
        operation.security = [];
        continue;
      }
      if (access === 'runner') {
        operation.security = [{ runner: [] }];
        operation.description = [operation.description, "Needs the runner credential of this attempt (`trr_...`); user credentials are refused."].filter(Boolean).join('\n\n');
        operation.responses['401'] ??= problem('Missing or invalid runner credential, or its attempt has finished');
        operation.responses['403'] ??= problem('The runner credential is for another attempt');
        continue;
      }
      if (access) {
        Object.assign(operation, { 'x-minimum-role': access });
        operation.description = [operation.description, `Needs the \`${access}\` role or higher.`].filter(Boolean).join('\n\n');
      }
      operation.responses['401'] ??= problem('Missing, invalid or revoked API token');
      operation.responses['403'] ??= problem("The credential's role is below the operation's minimum role");
    }
  }
}
