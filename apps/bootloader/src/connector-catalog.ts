/**
 * The connector definitions every installation starts with. PyPI versions are pinned:
 * a platform upgrade moves them, a user's "update version" is per installation.
 */
import type { ActorType, SeedDefinition } from '@tributary/db';


const builtin = (actorType: ActorType, name: string, version: string): SeedDefinition => ({
  actorType,
  name,
  runtime: { kind: 'builtin', name },
  version,
  // in Kubernetes (libs/connectors/Dockerfile builds it)
  image: `tributary/${name}:${version}`,
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

/**
 * Seeded PyPI connectors must install and answer spec on Python 3.11 (seeded-connectors.install.test.ts).
 * Left out for that reason, addable as custom connectors where they work:
 * - source-pokeapi: every release runs airbyte-cdk 0.90, whose dataclasses Python 3.11 refuses at import;
 * - source-s3: every release from 4.14 pins smart-open[s3] to the connector's own version, which does not exist.
 */
export function connectorCatalog(platformVersion: string): SeedDefinition[] {
  return [
    builtin('source', 'source-sample', platformVersion),
    builtin('destination', 'destination-postgres', platformVersion),
    builtin('destination', 'destination-jsonl', platformVersion),
    builtin('destination', 'destination-dev-null', platformVersion),
    pypiSource('source-faker', '7.2.1'),
    // 0.6.0 (and every version from 0.5.40) pins smart-open[all] to a release that does not exist: it cannot be installed
    pypiSource('source-file', '0.5.39'),
    pypiSource('source-github', '2.7.1'),
    pypiSource('source-stripe', '5.14.1'),
    pypiSource('source-hubspot', '5.7.0'),
  ];
}
