import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { TRIBUTARY_VERSION } from '@tributary/config';
import { routeAccessOf } from '../auth/route-access.js';
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
  addAccess(document);
  return document;
}

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDto' } } },
});

/**
 * What each operation needs, from the access table (auth/route-access.ts): public operations
 * get `security: []`; every other one names its least role (`x-minimum-role`, and in its
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
      if (access) {
        Object.assign(operation, { 'x-minimum-role': access });
        operation.description = [operation.description, `Needs the \`${access}\` role or higher.`].filter(Boolean).join('\n\n');
      }
      operation.responses['401'] ??= problem('Missing, invalid or revoked API token');
      operation.responses['403'] ??= problem("The credential's role is below the operation's minimum role");
    }
  }
}
