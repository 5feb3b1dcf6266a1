import { ConnectorError } from '@tributary/protocol';
import { describe, expect, it } from 'vitest';
import { parseSampleConfig } from './config.js';
import { startIndexFromState } from './state.js';
import { updatedAtSeconds } from './streams.js';

describe('parseSampleConfig', () => {
  it('fills in defaults', () => {
    expect(parseSampleConfig({})).toEqual({
      count: 1000,
      seed: 0,
      streams: ['users', 'products', 'purchases'],
      recordsPerState: 10_000,
      recordsPerBatch: 1000,
      sleepMsPerBatch: 0,
      failAfter: undefined,
    });
  });

  it.each([
    [{ count: -1 }, 'config.count must be at least 0'],
    [{ count: 1.5 }, 'config.count must be an integer'],
    [{ count: '10' }, 'config.count must be an integer'],
    [{ records_per_state: 0 }, 'config.records_per_state must be at least 1'],
    [{ streams: ['users', 'orders'] }, 'config.streams: unknown stream "orders"'],
    [{ streams: 'users' }, 'config.streams must be an array'],
    [{ fail_after: -3 }, 'config.fail_after must be at least 0'],
  ])('rejects %j as a config error', (raw, message) => {
    let error: unknown;
    try {
      parseSampleConfig(raw);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).failureType).toBe('config_error');
    expect((error as ConnectorError).message).toContain(message);
  });

  it('gives large seeds distinct 32-bit seeds', () => {
    expect(parseSampleConfig({ seed: 1 }).seed).not.toBe(parseSampleConfig({ seed: 2 ** 32 + 1 }).seed);
  });
});

describe('startIndexFromState', () => {
  const users = { name: 'users' };
  const cursorOf = (index: number) => new Date(updatedAtSeconds(index) * 1000).toISOString();

  it('starts at 0 without state for the stream', () => {
    expect(startIndexFromState(undefined, users)).toBe(0);
    expect(
      startIndexFromState([{ type: 'STREAM', stream: { stream_descriptor: { name: 'products' }, stream_state: { offset: 9 } } }], users),
    ).toBe(0);
  });

  it('continues at the offset of a per-stream state', () => {
    expect(
      startIndexFromState(
        [{ type: 'STREAM', stream: { stream_descriptor: { name: 'users' }, stream_state: { cursor: cursorOf(41), offset: 42 } } }],
        users,
      ),
    ).toBe(42);
  });

  it('derives the position from the cursor alone', () => {
    expect(
      startIndexFromState(
        [{ type: 'STREAM', stream: { stream_descriptor: { name: 'users' }, stream_state: { cursor: cursorOf(41) } } }],
        users,
      ),
    ).toBe(42);
  });

  it('reads global and legacy state too', () => {
    const global = [
      { type: 'GLOBAL' as const, global: { stream_states: [{ stream_descriptor: { name: 'users' }, stream_state: { offset: 5 } }] } },
    ];
    expect(startIndexFromState(global, users)).toBe(5);
    expect(startIndexFromState([{ type: 'LEGACY', data: { users: { offset: 7 } } }], users)).toBe(7);
  });

  it('tells namespaces apart', () => {
    const state = [
      { type: 'STREAM' as const, stream: { stream_descriptor: { name: 'users', namespace: 'a' }, stream_state: { offset: 3 } } },
    ];
    expect(startIndexFromState(state, users)).toBe(0);
    expect(startIndexFromState(state, { name: 'users', namespace: 'a' })).toBe(3);
  });

  it('rejects a state it cannot understand as a config error', () => {
    expect(() =>
      startIndexFromState(
        [{ type: 'STREAM', stream: { stream_descriptor: { name: 'users' }, stream_state: { cursor: 'yesterday' } } }],
        users,
      ),
    ).toThrow(/not a timestamp/);
    expect(() =>
      startIndexFromState([{ type: 'STREAM', stream: { stream_descriptor: { name: 'users' }, stream_state: 'x' } }], users),
    ).toThrow(/must be an object/);
  });
});
