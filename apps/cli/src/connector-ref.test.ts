import { describe, expect, it } from 'vitest';
import { parseConnectorRef } from './connector-ref.js';

describe('parseConnectorRef', () => {
  it('reads builtin, pypi, npm and command references', () => {
    expect(parseConnectorRef('source-sample')).toEqual({ runtime: { kind: 'builtin', name: 'source-sample' } });
    expect(parseConnectorRef('pypi:airbyte-source-faker==6.2.21')).toEqual({ runtime: { kind: 'pypi', package: 'airbyte-source-faker', version: '6.2.21' } });
    expect(parseConnectorRef('pypi:airbyte-source-faker==6.2.21:source-faker')).toMatchObject({ runtime: { entrypoint: 'source-faker' } });
    expect(parseConnectorRef('npm:@acme/source-x@1.0.0:src')).toEqual({ runtime: { kind: 'npm', package: '@acme/source-x', version: '1.0.0', bin: 'src' } });
    expect(parseConnectorRef('command:/usr/local/bin/src')).toEqual({ runtime: { kind: 'command', command: '/usr/local/bin/src' } });
  });

  it('explains malformed references', () => {
    expect(() => parseConnectorRef('pypi:airbyte-source-faker')).toThrow(/pypi:<package>==<version>/);
    expect(() => parseConnectorRef('docker:foo')).toThrow(/unknown connector kind "docker"/);
    expect(() => parseConnectorRef('npm:left-pad')).toThrow(/npm:<package>@<version>/);
  });
});
