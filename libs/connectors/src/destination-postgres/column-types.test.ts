import { describe, expect, it } from 'vitest';
import { columnKindForSchema, kindOfPostgresType } from './column-types.js';

describe('column types', () => {
  it.each([
    [{ type: 'string' }, 'text'],
    [{ type: ['null', 'string'] }, 'text'],
    [{ type: 'string', format: 'date-time' }, 'timestamptz'],
    [{ type: 'string', format: 'date-time', airbyte_type: 'timestamp_without_timezone' }, 'timestamp'],
    [{ type: 'string', format: 'date' }, 'date'],
    [{ type: 'string', format: 'time' }, 'time'],
    [{ type: 'string', format: 'time', airbyte_type: 'time_with_timezone' }, 'timetz'],
    [{ type: 'integer' }, 'bigint'],
    [{ type: 'number', airbyte_type: 'integer' }, 'bigint'],
    [{ type: 'number' }, 'numeric'],
    [{ type: 'boolean' }, 'boolean'],
    [{ type: 'object' }, 'jsonb'],
    [{ type: 'array' }, 'jsonb'],
    [{ type: ['string', 'integer'] }, 'jsonb'],
    [{ oneOf: [{ type: 'null' }, { type: 'boolean' }] }, 'boolean'],
    [{ anyOf: [{ type: 'string' }, { type: 'object' }] }, 'jsonb'],
    [{ type: 'null' }, 'jsonb'],
    [{}, 'jsonb'],
    [true, 'jsonb'],
  ])('%j -> %s', (schema, kind) => {
    expect(columnKindForSchema(schema)).toBe(kind);
  });

  it('reads back the types it creates and refuses ones it cannot write', () => {
    expect(kindOfPostgresType('timestamp with time zone')).toBe('timestamptz');
    expect(kindOfPostgresType('character varying')).toBe('text');
    expect(kindOfPostgresType('integer[]')).toBeUndefined();
  });
});
