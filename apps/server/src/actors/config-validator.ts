import { DomainError, ErrorCode, type FieldError } from '@tributary/domain';
import { Injectable } from '@nestjs/common';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import * as ajvFormats from 'ajv-formats';

// ajv-formats is CommonJS: under NodeNext its default export arrives as a namespace's `default`
const addFormats = ajvFormats.default as unknown as (ajv: Ajv) => Ajv;

/** Where in the request body the configuration lives, for error pointers. */
const CONFIG_POINTER = '/configuration';

function fieldPath(error: ErrorObject): string {
  const params = error.params as { missingProperty?: string; additionalProperty?: string };
  const child = params.missingProperty ?? (error.keyword === 'additionalProperties' ? params.additionalProperty : undefined);
  return `${CONFIG_POINTER}${error.instancePath}${child ? `/${child.replace(/~/g, '~0').replace(/\//g, '~1')}` : ''}`;
}

/**
 * Validates connector configurations against the spec's JSON Schema. Airbyte specs
 * carry their own keywords (airbyte_secret, order, group, ...), so strict mode is off.
 */
@Injectable()
export class ConfigValidator {
  private readonly ajv: Ajv = addFormats(new Ajv({ allErrors: true, strict: false, validateSchema: false }));
  /** compiled validators by definition id + spec version (updatedAt) */
  private readonly cache = new Map<string, ValidateFunction>();

  validate(cacheKey: string, schema: Record<string, unknown>, configuration: Record<string, unknown>): void {
    let validate = this.cache.get(cacheKey);
    if (!validate) {
      try {
        validate = this.ajv.compile(schema);
      } catch (error) {
        throw new DomainError(ErrorCode.SpecUnavailable, `the connector spec is not a usable JSON Schema: ${error instanceof Error ? error.message : String(error)}`);
      }
      this.cache.set(cacheKey, validate);
    }
    if (validate(configuration)) return;
    const fieldErrors: FieldError[] = (validate.errors ?? []).map((e) => ({ path: fieldPath(e), message: e.message ?? 'is invalid' }));
    const unique = [...new Map(fieldErrors.map((e) => [`${e.path} ${e.message}`, e])).values()];
    throw new DomainError(
      ErrorCode.InvalidConfiguration,
      `configuration is invalid: ${unique.map((e) => `${e.path} ${e.message}`).join('; ')}`,
      { fieldErrors: unique },
    );
  }
}
