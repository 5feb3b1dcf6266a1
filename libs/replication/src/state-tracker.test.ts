import { describe, expect, it } from 'vitest';
import type { AirbyteStateMessage } from '@tributary/protocol';
import { StateTracker, mergeState, stateForSource, stateKey } from './state-tracker.js';

const stream = (name: string, cursor: number, namespace?: string): AirbyteStateMessage => ({
  type: 'STREAM',
  stream: { stream_descriptor: { name, ...(namespace ? { namespace } : {}) }, stream_state: { cursor } },
});
const cp = (records: number) => ({ streams: [0], records: [records], bytes: [records * 10] });

describe('mergeState', () => {
  it('merges STREAM states per stream descriptor', () => {
    let s = mergeState(undefined, stream('a', 1));
    s = mergeState(s, stream('b', 1));
    s = mergeState(s, stream('a', 2));
    s = mergeState(s, stream('a', 3, 'ns'));
    expect(s).toEqual([stream('a', 2), stream('b', 1), stream('a', 3, 'ns')]);
  });

  it('lets GLOBAL and LEGACY states replace everything, and drops per-checkpoint stats', () => {
    const global: AirbyteStateMessage = {
      type: 'GLOBAL',
      global: { shared_state: { lsn: 5 }, stream_states: [] },
      sourceStats: { recordCount: 3 },
    };
    expect(mergeState([stream('a', 1)], global)).toEqual([{ type: 'GLOBAL', global: { shared_state: { lsn: 5 }, stream_states: [] } }]);
    expect(mergeState([stream('a', 1)], { data: { x: 1 } })).toEqual([{ type: 'LEGACY', data: { x: 1 } }]);
    expect(mergeState([{ type: 'LEGACY', data: {} }], stream('a', 1))).toEqual([stream('a', 1)]);
  });
});

describe('stateForSource', () => {
  it('passes LEGACY state as its bare blob and the rest as an array', () => {
    expect(stateForSource([{ type: 'LEGACY', data: { x: 1 } }])).toEqual({ x: 1 });
    expect(stateForSource([stream('a', 1)])).toEqual([stream('a', 1)]);
    expect(stateForSource([])).toBeUndefined();
    expect(stateForSource(undefined)).toBeUndefined();
  });
});

describe('StateTracker', () => {
  it('matches echoes however they were re-serialised', () => {
    const sent: AirbyteStateMessage = {
      type: 'STREAM',
      stream: { stream_descriptor: { name: 'a' }, stream_state: { cursor: 1, extra: null } },
    };
    const echoed = JSON.parse(
      '{"destinationStats":{"recordCount":5},"stream":{"stream_state":{"cursor":1},"stream_descriptor":{"namespace":null,"name":"a"}},"type":"STREAM"}',
    ) as AirbyteStateMessage;
    expect(stateKey(sent)).toBe(stateKey(echoed));
  });

  it('commits every earlier pending state of the queue when a later one is echoed', () => {
    const t = new StateTracker(undefined);
    t.sent(stream('a', 1), cp(1));
    t.sent(stream('a', 2), cp(2));
    t.sent(stream('a', 3), cp(3));
    const r = t.echoed(stream('a', 2));
    expect(r?.checkpoints.map((c) => c.records[0])).toEqual([1, 2]);
    expect(t.state).toEqual([stream('a', 2)]);
    expect(t.pendingCount).toBe(1);
    expect(t.echoed(stream('a', 1))).toBeUndefined(); // already committed
  });

  it("does not let one stream's echo commit another stream's records", () => {
    const t = new StateTracker([stream('z', 9)]);
    t.sent(stream('a', 1), cp(1));
    t.sent(stream('b', 1), cp(1));
    expect(t.echoed(stream('b', 1))?.checkpoints).toHaveLength(1);
    expect(t.state).toEqual([stream('z', 9), stream('b', 1)]);
    expect(t.pendingCount).toBe(1);
  });

  it('matches the oldest of identical pending states', () => {
    const t = new StateTracker(undefined);
    t.sent(stream('a', 1), cp(1));
    t.sent(stream('a', 1), cp(2));
    expect(t.echoed(stream('a', 1))?.checkpoints.map((c) => c.records[0])).toEqual([1]);
    expect(t.pendingCount).toBe(1);
  });
});
