import { DomainError, ErrorCode, type FieldError } from '@tributary/domain';
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

type Option = { title?: unknown; properties?: Record<string, { const?: unknown; enum?: unknown[] } | undefined> };

function constOf(option: Option, property: string): unknown {
  const schema = option.properties?.[property];
  return schema?.const !== undefined ? schema.const : schema?.enum?.length === 1 ? schema.enum[0] : undefined;
}

/** The property whose `const` tells the options apart (Airbyte's discriminator), if every option has one. */
function discriminatorOf(options: Option[]): string | undefined {
  const names = Object.keys(options[0]?.properties ?? {});
  return names.find((name) => options.every((o) => constOf(o, name) !== undefined));
}

/**
 * ajv answers a failed `oneOf` with every option's errors, which reads as nonsense. Airbyte specs
 * tell options apart by a property with a `const` in each: when the value matches no option,
 * one error names the allowed values; when it picks one, only that option's errors remain.
 */
function explainOneOf(errors: ErrorObject[]): ErrorObject[] {
  let result = errors;
  for (const oneOf of errors.filter((e) => e.keyword === 'oneOf')) {
    const options = oneOf.schema as Option[];
    const data = oneOf.data as Record<string, unknown> | null;
    const discriminator = Array.isArray(options) ? discriminatorOf(options) : undefined;
    if (!discriminator || typeof data !== 'object' || data === null) continue;
    const chosen = options.findIndex((o) => constOf(o, discriminator) === data[discriminator]);
    const ofAnOption = (e: ErrorObject) => e.schemaPath.startsWith(`${oneOf.schemaPath}/`);
    const ofChosen = (e: ErrorObject) => e.schemaPath.startsWith(`${oneOf.schemaPath}/${chosen}/`);
    result = result.filter((e) => e !== oneOf && (!ofAnOption(e) || (chosen !== -1 && ofChosen(e))));
    if (chosen === -1) {
      const allowed = options.map((o) => `${JSON.stringify(constOf(o, discriminator))}${typeof o.title === 'string' ? ` (${o.title})` : ''}`);
      result.push({
        ...oneOf,
        keyword: 'discriminator',
        instancePath: `${oneOf.instancePath}/${discriminator.replace(/~/g, '~0').replace(/\//g, '~1')}`,
        params: {},
        message: `must be one of ${allowed.join(', ')}`,
      });
    }
  }
  return result;
}

/**
 * Validates connector configurations against the spec's JSON Schema, for the API (what a user
 * saves) and the worker (what a connector rotates with CONTROL CONNECTOR_CONFIG). Airbyte specs
 * carry their own keywords (airbyte_secret, order, group, ...), so strict mode is off.
 */
export class ConfigValidator {
  private readonly ajv: Ajv = addFormats(new Ajv({ allErrors: true, strict: false, validateSchema: false, verbose: true }));
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
    const fieldErrors: FieldError[] = explainOneOf(validate.errors ?? []).map((e) => ({ path: fieldPath(e), message: e.message ?? 'is invalid' }));
    const unique = [...new Map(fieldErrors.map((e) => [`${e.path} ${e.message}`, e])).values()];
    throw new DomainError(
      ErrorCode.InvalidConfiguration,
      `configuration is invalid: ${unique.map((e) => `${e.path} ${e.message}`).join('; ')}`,
      { fieldErrors: unique },
    );
  }
}
