import { describe, expect, it } from 'vitest';
import { decodeLine } from './decode.js';

describe('decodeLine', () => {
  it('decodes a record, compact or Python-spaced', () => {
    for (const line of [
      '{"type":"RECORD","record":{"stream":"users","data":{"id":1},"emitted_at":1}}',
      '{"type": "RECORD", "record": {"stream": "users", "data": {"id": 1}, "emitted_at": 1}}',
    ]) {
      const d = decodeLine(line);
      expect(d.kind).toBe('message');
      if (d.kind === 'message' && d.message.type === 'RECORD') expect(d.message.record.stream).toBe('users');
    }
  });

  it('decodes state, log, trace, control, spec, status and catalog messages', () => {
    const lines = [
      { type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: 'users' }, stream_state: { cursor: 3 } }, sourceStats: { recordCount: 3 } } },
      { type: 'STATE', state: { type: 'GLOBAL', global: { shared_state: { lsn: 1 }, stream_states: [] } } },
      { type: 'STATE', state: { data: { legacy: true } } },
      { type: 'LOG', log: { level: 'INFO', message: 'hi' } },
      { type: 'TRACE', trace: { type: 'ERROR', emitted_at: 1, error: { message: 'bad', failure_type: 'config_error' } } },
      { type: 'TRACE', trace: { type: 'STREAM_STATUS', emitted_at: 1, stream_status: { stream_descriptor: { name: 'u' }, status: 'COMPLETE' } } },
      { type: 'TRACE', trace: { type: 'ESTIMATE', emitted_at: 1, estimate: { name: 'u', type: 'STREAM', row_estimate: 10 } } },
      { type: 'CONTROL', control: { type: 'CONNECTOR_CONFIG', emitted_at: 1, connectorConfig: { config: { token: 'new' } } } },
      { type: 'SPEC', spec: { connectionSpecification: { type: 'object' } } },
      { type: 'CONNECTION_STATUS', connectionStatus: { status: 'FAILED', message: 'nope' } },
      { type: 'CATALOG', catalog: { streams: [{ name: 'u', json_schema: {}, supported_sync_modes: ['full_refresh'] }] } },
    ];
    for (const l of lines) expect(decodeLine(JSON.stringify(l)), JSON.stringify(l)).toMatchObject({ kind: 'message', message: { type: l.type } });
  });

  it('keeps non-JSON output as text', () => {
    expect(decodeLine('Traceback (most recent call last):')).toEqual({ kind: 'text', text: 'Traceback (most recent call last):' });
    expect(decodeLine('{not json')).toEqual({ kind: 'text', text: '{not json' });
  });

  it('reports invalid messages with the offending field, without throwing', () => {
    expect(decodeLine('{"type":"RECORD","record":{"data":{}}}')).toMatchObject({ kind: 'invalid', reason: 'record.stream: expected a string' });
    expect(decodeLine('{"type":"LOG","log":{"level":"LOUD","message":"x"}}')).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('log.level') });
    expect(decodeLine('{"type":"NOPE"}')).toMatchObject({ kind: 'invalid' });
    expect(decodeLine('{"type":"TRACE","trace":{"type":"ERROR"}}')).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('trace.emitted_at') });
  });
});
