import { ValidateIf } from 'class-validator';

const NON_EMPTY_BODY = Symbol('nonEmptyBody');
const nonEmptyBodyClasses = new Set<string>();

/**
 * On an update DTO: a body that changes nothing (`{}`) is a client mistake, answered 400.
 * The OpenAPI document declares it as `minProperties: 1` (see nonEmptyBodySchemaNames).
 */
export function RequireSomeProperty(): ClassDecorator {
  return (target) => {
    Reflect.defineMetadata(NON_EMPTY_BODY, true, target);
    nonEmptyBodyClasses.add(target.name);
  };
}

export function requiresSomeProperty(metatype: unknown): boolean {
  return typeof metatype === 'function' && Reflect.getMetadata(NON_EMPTY_BODY, metatype) === true;
}

/** The schema names (class names) of DTOs marked with @RequireSomeProperty. */
export function nonEmptyBodySchemaNames(): ReadonlySet<string> {
  return nonEmptyBodyClasses;
}

/**
 * Like @IsOptional(), but only an absent property is skipped: `null` is validated, and
 * rejected by the rules that follow. A column that cannot be null must not be PATCHed to null.
 */
export function IsOmittable(): PropertyDecorator {
  return ValidateIf((_object, value) => value !== undefined);
}
