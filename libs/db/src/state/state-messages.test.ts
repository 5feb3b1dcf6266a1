import { streamDescriptorKey } from '@tributary/domain';
import { describe, expect, it } from 'vitest';
import type { AirbyteStateMessage } from '@tributary/protocol';
import { parseStateMessages, stateTypeOf, withoutStreams } from './state-messages.js';

const streamState = (name: string, namespace?: string | null): AirbyteStateMessage => ({
  type: 'STREAM',
  stream: { stream_descriptor: { name, ...(namespace === undefined ? {} : { namespace }) }, stream_state: { at: name } },
});

describe('state messages', () => {
  it('identify a stream the same whether its namespace is absent, null or empty, and tell namespaces apart', () => {
    expect(streamDescriptorKey({ name: 'users' })).toBe(streamDescriptorKey({ name: 'users', namespace: null }));
    expect(streamDescriptorKey({ name: 'users', namespace: '' })).toBe(streamDescriptorKey({ name: 'users' }));
    expect(streamDescriptorKey({ name: 'users', namespace: 'a' })).not.toBe(streamDescriptorKey({ name: 'users', namespace: 'b' }));
    expect(streamDescriptorKey({ name: 'a.b' })).not.toBe(streamDescriptorKey({ name: 'b', namespace: 'a' }));
  });

  it('are stored under the type of their messages (none = legacy)', () => {
    expect(stateTypeOf([])).toBeUndefined();
    expect(stateTypeOf([{ data: {} }])).toBe('legacy');
    expect(stateTypeOf([streamState('users')])).toBe('stream');
  });

  it('lose only the wiped streams of a stream state, matched by namespace too', () => {
    const state = [streamState('users', 'app'), streamState('users'), streamState('orders')];
    expect(withoutStreams(state, [{ name: 'users', namespace: null }], false)).toEqual([
      streamState('users', 'app'),
      streamState('orders'),
    ]);
    expect(withoutStreams(state, [{ name: 'users', namespace: 'app' }, { name: 'users' }, { name: 'orders' }], false)).toBeUndefined();
  });

  it('keep the shared part of a global state unless every stream is wiped', () => {
    const global: AirbyteStateMessage = {
      type: 'GLOBAL',
      global: {
        shared_state: { lsn: 7 },
        stream_states: [{ stream_descriptor: { name: 'users' } }, { stream_descriptor: { name: 'orders' } }],
      },
    };
    expect(withoutStreams([global], [{ name: 'users' }, { name: 'orders' }], false)).toEqual([
      { type: 'GLOBAL', global: { shared_state: { lsn: 7 }, stream_states: [] } },
    ]);
    expect(withoutStreams([global], [{ name: 'users' }], true)).toBeUndefined();
  });

  it('check operator-supplied state against its declared type, naming the bad message', () => {
    expect(parseStateMessages('stream', [streamState('users'), streamState('users')])).toEqual({
      errors: [{ path: '/state/1/stream/stream_descriptor', message: 'appears twice' }],
    });
    expect(parseStateMessages('global', [streamState('users')])).toEqual({
      errors: [{ path: '/state/0/type', message: 'must be GLOBAL for global state' }],
    });
    expect(parseStateMessages('legacy', [{ data: { cursor: 1 } }])).toEqual({ state: [{ data: { cursor: 1 } }] });
  });
});
