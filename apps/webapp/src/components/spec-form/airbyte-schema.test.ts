import { describe, expect, it } from 'vitest';
import { discriminatorOf, errorTreeFromProblem, fieldGroupsOf, orderedKeys, prepareSpec } from './airbyte-schema';

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

  it('follows $ref to find secrets and hidden fields in shared definitions', () => {
    const { schema, uiSchema } = prepareSpec({
      type: 'object',
      definitions: { token: { type: 'string', airbyte_secret: true }, auth: { type: 'object', properties: { key: { $ref: '#/definitions/token' } } } },
      $defs: { internal: { type: 'string', airbyte_hidden: true } },
      properties: {
        api_token: { $ref: '#/definitions/token', title: 'API token' },
        auth: { $ref: '#/definitions/auth' },
        debug: { $ref: '#/$defs/internal' },
      },
    });
    expect(uiSchema.api_token).toMatchObject({ 'ui:widget': 'secret' });
    expect((uiSchema.auth as Record<string, unknown>).key).toMatchObject({ 'ui:widget': 'secret' });
    expect(uiSchema.debug).toMatchObject({ 'ui:widget': 'hidden' });
    // the sibling keywords of a $ref stay (the title here)
    expect((schema.properties as Record<string, { title?: string }>).api_token!.title).toBe('API token');
  });

  it('leaves a recursive $ref as it is instead of looping', () => {
    const { schema } = prepareSpec({
      type: 'object',
      definitions: { node: { type: 'object', properties: { child: { $ref: '#/definitions/node' } } } },
      properties: { tree: { $ref: '#/definitions/node' } },
    });
    const tree = (schema.properties as Record<string, { properties?: Record<string, unknown> }>).tree!;
    expect(tree.properties!.child).toEqual({ $ref: '#/definitions/node' });
  });

  it("puts fields into the spec's groups, in the order of `groups`, ungrouped fields first", () => {
    const spec = {
      type: 'object',
      groups: [{ id: 'db' }, { id: 'auth', title: 'Authentication' }],
      properties: {
        password: { type: 'string', group: 'auth', order: 3 },
        host: { type: 'string', group: 'db', order: 0 },
        name: { type: 'string', order: 5 },
        username: { type: 'string', group: 'auth', order: 2 },
        port: { type: 'integer', group: 'db', order: 1 },
        tunnel: { type: 'string', group: 'advanced', order: 4 },
      },
    };
    expect(fieldGroupsOf(spec)).toEqual([
      { id: '', title: '', fields: ['name'] },
      { id: 'db', title: 'Db', fields: ['host', 'port'] },
      { id: 'auth', title: 'Authentication', fields: ['username', 'password'] },
      { id: 'advanced', title: 'Advanced', fields: ['tunnel'] },
    ]);
    expect(prepareSpec(spec).uiSchema['ui:options']).toMatchObject({ groups: fieldGroupsOf(spec) });
    expect(fieldGroupsOf({ type: 'object', properties: { a: { type: 'string' } } })).toBeUndefined();
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
