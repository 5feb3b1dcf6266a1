import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { TRIBUTARY_VERSION } from '@tributary/config';
import { ProblemDto, ProblemFieldErrorDto } from '../errors/problem.dto.js';

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
    .addSecurityRequirements('bearer')
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    extraModels: [ProblemDto, ProblemFieldErrorDto],
    operationIdFactory: (controllerKey, methodKey) => `${controllerKey.replace(/Controller$/, '')}_${methodKey}`,
  });
  addUnauthorizedResponses(document);
  return document;
}

/** Public operations (see @Public) get `security: []`; every other one can answer 401. */
function addUnauthorizedResponses(document: OpenAPIObject): void {
  for (const pathItem of Object.values(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation = pathItem[method];
      if (!operation) continue;
      if (operation.security?.length === 1 && Object.keys(operation.security[0] ?? {}).length === 0) {
        operation.security = [];
        continue;
      }
      operation.responses['401'] ??= {
        description: 'Missing, invalid or revoked API token',
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDto' } } },
      };
    }
  }
}
