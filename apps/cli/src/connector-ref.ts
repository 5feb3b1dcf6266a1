/**
 * Connector references on the command line:
 *   source-sample | builtin:source-sample
 *   pypi:airbyte-source-faker==6.2.21[:entrypoint]
 *   npm:some-package@1.2.3[:bin]
 *   command:/path/to/executable [args are not supported here; wrap them in a script]
 */
import type { ConnectorDefinition } from '@tributary/launcher';

export class ConnectorRefError extends Error {
  override name = 'ConnectorRefError';
}

export function parseConnectorRef(ref: string): ConnectorDefinition {
  const colon = ref.indexOf(':');
  const kind = colon === -1 ? 'builtin' : ref.slice(0, colon);
  const rest = colon === -1 ? ref : ref.slice(colon + 1);
  if (!rest) throw new ConnectorRefError(`empty connector reference "${ref}"`);
  switch (kind) {
    case 'builtin':
      return { runtime: { kind: 'builtin', name: rest } };
    case 'command':
      return { runtime: { kind: 'command', command: rest } };
    case 'pypi': {
      const [spec, entrypoint] = rest.split(':');
      const match = /^([A-Za-z0-9._-]+)==([A-Za-z0-9.+!_-]+)$/.exec(spec ?? '');
      if (!match) throw new ConnectorRefError(`pypi connector must be pypi:<package>==<version>[:entrypoint], got "${ref}"`);
      return { runtime: { kind: 'pypi', package: match[1]!, version: match[2]!, ...(entrypoint ? { entrypoint } : {}) } };
    }
    case 'npm': {
      const [spec, bin] = rest.split(':');
      const at = spec ? spec.lastIndexOf('@') : -1;
      if (!spec || at <= 0) throw new ConnectorRefError(`npm connector must be npm:<package>@<version>[:bin], got "${ref}"`);
      return { runtime: { kind: 'npm', package: spec.slice(0, at), version: spec.slice(at + 1), ...(bin ? { bin } : {}) } };
    }
    default:
      throw new ConnectorRefError(`unknown connector kind "${kind}" in "${ref}" (use builtin:, pypi:, npm: or command:)`);
  }
}
