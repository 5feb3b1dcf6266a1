import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiSecurity } from '@nestjs/swagger';

export const IS_PUBLIC = 'tributary:public';

/**
 * Marks a route that needs no credential (health only). The empty security requirement
 * `{}` is OpenAPI's "anonymous allowed"; buildOpenApiDocument turns it into `security: []`.
 */
export const Public = (): MethodDecorator & ClassDecorator => applyDecorators(SetMetadata(IS_PUBLIC, true), ApiSecurity({}));
