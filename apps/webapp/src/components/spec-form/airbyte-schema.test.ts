import { describe, expect, it } from 'vitest';
import { discriminatorOf, errorTreeFromProblem, orderedKeys, prepareSpec } from './airbyte-schema';

describe('Airbyte spec -> rjsf schema and uiSchema', () => {
  it('orders fields by `order`, unordered ones after in written order', () => {
    expect(orderedKeys({ c: { order: 2 }, z: {}, a: { order: 0 }, y: {}, b: { order: 1 } })).toEqual(['a', 'b', 'c', 'z', 'y']);
  });

  it('shows airbyte_secret as a secret field, hides airbyte_hidden, and turns examples into placeholders', () => {
    const { uiSchema } = prepareSpec({
      type: 'object',
      properties: {
        password: { type: 'string', airbyte_secret: true },
        internal: { type: 'string', airbyte_hidden: true },
        host: { type: 'string', examples: ['db.example.com'] },
      },
    });
    expect(uiSchema.password).toMatchObject({ 'ui:widget': 'secret' });
    expect(uiSchema.internal).toMatchObject({ 'ui:widget': 'hidden' });
    expect(uiSchema.host).toMatchObject({ 'ui:placeholder': 'db.example.com' });
  });

  it('finds the const property that tells oneOf options apart, fills it and hides it', () => {
    const options = [
      { title: 'API key', properties: { auth_type: { const: 'api_key' }, api_key: { type: 'string', airbyte_secret: true } } },
      { title: 'OAuth', properties: { auth_type: { type: 'string', enum: ['oauth'] }, client_id: { type: 'string' } } },
    ];
    expect(discriminatorOf(options)).toBe('auth_type');
    const { schema, uiSchema } = prepareSpec({ type: 'object', properties: { credentials: { type: 'object', oneOf: options } } });
    const credentials = (
      schema.properties as Record<string, { discriminator: unknown; oneOf: { properties: { auth_type: { default: unknown } } }[] }>
    ).credentials!;
    expect(credentials.discriminator).toEqual({ propertyName: 'auth_type' });
    expect(credentials.oneOf.map((o) => o.properties.auth_type.default)).toEqual(['api_key', 'oauth']);
    const ui = uiSchema.credentials as { oneOf: Record<string, unknown>[] };
    expect(ui.oneOf[0]).toMatchObject({ auth_type: { 'ui:widget': 'hidden' }, api_key: { 'ui:widget': 'secret' } });
  });

  it('no discriminator when an option pins nothing', () => {
    expect(discriminatorOf([{ properties: { a: { const: 1 } } }, { properties: { b: { type: 'string' } } }])).toBeUndefined();
  });

  it("turns the API's field errors into rjsf's error tree, ignoring those outside the configuration", () => {
    expect(
      errorTreeFromProblem([
        { pointer: '#/configuration/port', detail: 'must be integer' },
        { pointer: '#/configuration/ssl_mode/mode', detail: 'must be one of' },
        { pointer: '#/name', detail: 'must be a string' },
      ]),
    ).toEqual({ port: { __errors: ['must be integer'] }, ssl_mode: { mode: { __errors: ['must be one of'] } } });
  });
});
