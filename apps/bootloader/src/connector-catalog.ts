/**
 * The connector definitions every installation starts with. PyPI versions are pinned:
 * a platform upgrade moves them, a user's "update version" is per installation.
 */
import type { ConnectorRuntime } from '@tributary/launcher';
import type { ActorType } from '@tributary/db';

export interface SeedDefinition {
  actorType: ActorType;
  name: string;
  runtime: ConnectorRuntime;
  version: string;
  image: string | null;
  documentationUrl: string | null;
}

const builtin = (actorType: ActorType, name: string, version: string): SeedDefinition => ({
  actorType,
  name,
  runtime: { kind: 'builtin', name },
  version,
  image: null,
  documentationUrl: null,
});

const pypiSource = (name: string, version: string): SeedDefinition => ({
  actorType: 'source',
  name,
  runtime: { kind: 'pypi', package: `airbyte-${name}`, version, entrypoint: name },
  version,
  image: `airbyte/${name}:${version}`,
  documentationUrl: `https://docs.airbyte.com/integrations/sources/${name.replace(/^source-/, '')}`,
});

export function connectorCatalog(platformVersion: string): SeedDefinition[] {
  return [
    builtin('source', 'source-sample', platformVersion),
    builtin('destination', 'destination-postgres', platformVersion),
    builtin('destination', 'destination-jsonl', platformVersion),
    builtin('destination', 'destination-dev-null', platformVersion),
    pypiSource('source-faker', '7.2.1'),
    pypiSource('source-pokeapi', '0.2.15'),
    pypiSource('source-file', '0.6.0'),
    pypiSource('source-github', '2.7.1'),
    pypiSource('source-stripe', '5.14.1'),
    pypiSource('source-hubspot', '5.7.0'),
    pypiSource('source-s3', '4.16.1'),
  ];
}
