import { describe, expect, it } from 'vitest';
import { ConnectorUserError, resolveConnectorUser } from './connector-user.js';
import { parseEnvLines } from './startup-env.js';

describe('the user connectors run as', () => {
  it('is nobody under a root worker unless set, by name or uid[:gid]; the worker itself when it names its own user', () => {
    expect(resolveConnectorUser(undefined, 0)).toEqual({ uid: 65534, gid: 65534 });
    expect(resolveConnectorUser('1234:5678', 0)).toEqual({ uid: 1234, gid: 5678 });
    expect(resolveConnectorUser('1234', 0)).toEqual({ uid: 1234, gid: 1234 });
    expect(resolveConnectorUser('root', 0)).toBeUndefined();
  });

  it('is the worker itself when it is not root, and naming another user is an error naming the variable', () => {
    expect(resolveConnectorUser(undefined, 1000)).toBeUndefined();
    expect(resolveConnectorUser('1000', 1000)).toBeUndefined();
    expect(() => resolveConnectorUser('nobody', 1000)).toThrow(ConnectorUserError);
    expect(() => resolveConnectorUser('no-such-user-here', 0)).toThrow(/TRIBUTARY_CONNECTOR_USER: no user named "no-such-user-here"/);
  });
});

describe('settings on stdin', () => {
  it('reads NAME=value lines, values keeping their own = signs', () => {
    expect(parseEnvLines('DATABASE_URL=postgres://u:p@h/db?a=b\nTRIBUTARY_SECRET_KEY=abc=\n\n')).toEqual({
      DATABASE_URL: 'postgres://u:p@h/db?a=b',
      TRIBUTARY_SECRET_KEY: 'abc=',
    });
  });
});
