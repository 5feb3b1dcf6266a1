/**
 * A config a connector spec accepts, built from the schema alone (defaults, consts, enums,
 * examples, minimums, the first oneOf option), and a way to break one. For the spec-form
 * component tests over real connector specs.
 */
type Node = Record<string, unknown>;

const isObject = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

export function sampleValue(schema: Node): unknown {
  if ('default' in schema) return schema.default;
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if (Array.isArray(schema.oneOf) && isObject(schema.oneOf[0])) return sampleValue({ type: 'object', ...schema.oneOf[0] });
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const properties = isObject(schema.properties) ? schema.properties : {};
      const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
      return Object.fromEntries(
        required.filter((key) => isObject(properties[key])).map((key) => [key, sampleValue(properties[key] as Node)]),
      );
    }
    case 'array': {
      // Airbyte specs often give examples of the items on the array itself (`examples: ["org/repo"]`)
      const examples = Array.isArray(schema.examples) ? schema.examples : [];
      if (Array.isArray(examples[0])) return examples[0];
      const min = typeof schema.minItems === 'number' ? schema.minItems : 0;
      const item = isObject(schema.items) ? (examples.length > 0 ? { examples, ...schema.items } : (schema.items as Node)) : undefined;
      return item ? Array.from({ length: Math.max(min, 1) }, () => sampleValue(item)) : [];
    }
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' ? schema.minimum : 1;
    case 'boolean':
      return false;
    default: {
      if (Array.isArray(schema.examples) && typeof schema.examples[0] === 'string') return schema.examples[0];
      if (schema.format === 'date-time') return '2024-01-01T00:00:00Z';
      if (schema.format === 'date') return '2024-01-01';
      return 'sample';
    }
  }
}

/**
 * A config with one top-level field of the wrong type, and that field's name: a string
 * field gets a number, anything else a string. undefined when the spec has no typed field.
 */
export function breakConfig(spec: Node, config: Node): { config: Node; field: string } | undefined {
  const properties = isObject(spec.properties) ? spec.properties : {};
  const order = [...(Array.isArray(spec.required) ? (spec.required as string[]) : []), ...Object.keys(properties)];
  for (const field of order) {
    const property = properties[field];
    if (!isObject(property) || property.airbyte_hidden || !['string', 'integer', 'number', 'boolean'].includes(String(property.type)))
      continue;
    return { field, config: { ...config, [field]: property.type === 'string' ? 12345 : 'not-a-number' } };
  }
  return undefined;
}
