import { describe, expect, it } from 'vitest';
import { destinationTableName, defaultNamespaceOf } from './destination-names';

describe('destination table names', () => {
  const users = { name: 'users', namespace: 'crm' };
  const plain = { name: 'events' };

  it('the destination default namespace, with the prefix', () => {
    expect(destinationTableName({ namespaceDefinition: 'destination', prefix: 'raw_' }, users, 'analytics')).toBe('analytics.raw_users');
  });

  it("the source's namespace, or the default for a stream without one", () => {
    const naming = { namespaceDefinition: 'source' as const, prefix: '' };
    expect(destinationTableName(naming, users, 'analytics')).toBe('crm.users');
    expect(destinationTableName(naming, plain, 'analytics')).toBe('analytics.events');
  });

  it('a custom format with ${SOURCE_NAMESPACE}; an empty result is the default', () => {
    const naming = { namespaceDefinition: 'custom_format' as const, namespaceFormat: '${SOURCE_NAMESPACE}_raw', prefix: 'p_' };
    expect(destinationTableName(naming, users, 'analytics')).toBe('crm_raw.p_users');
    expect(destinationTableName({ ...naming, namespaceFormat: '${SOURCE_NAMESPACE}' }, plain, 'analytics')).toBe('analytics.p_events');
    // `$&` in a namespace is text, not a replacement pattern
    expect(destinationTableName({ ...naming, namespaceFormat: 'x_${SOURCE_NAMESPACE}' }, { name: 't', namespace: '$&' }, 'd')).toBe('x_$&.p_t');
  });

  it("names the destination's default namespace from its config", () => {
    expect(defaultNamespaceOf({ schema: 'warehouse' })).toBe('warehouse');
    expect(defaultNamespaceOf({})).toBe('<destination default>');
  });
});
