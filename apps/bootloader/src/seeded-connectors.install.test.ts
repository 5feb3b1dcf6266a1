// Every PyPI connector an installation is seeded with installs from PyPI and answers `spec`
// (installed once into the per-user cache, so only the first run is slow). A pin that cannot
// be installed is found here, not by a user's first click.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProcessLauncher } from '@tributary/launcher';
import { connectorInstallDir } from '@tributary/testing';
import { connectorCatalog } from './connector-catalog.js';

const seeded = connectorCatalog('0.0.0').filter((d) => d.runtime.kind === 'pypi');

describe('seeded PyPI connectors', () => {
  let tmpDir: string;
  let launcher: ProcessLauncher;
  beforeAll(async () => {
    tmpDir = await mkdtemp(join(tmpdir(), 'tributary-seeded-'));
    launcher = new ProcessLauncher({ installDir: connectorInstallDir(), tmpDir });
  });
  afterAll(() => rm(tmpDir, { recursive: true, force: true }));

  it('are pinned', () => {
    expect(seeded.length).toBeGreaterThan(3);
    for (const d of seeded) expect(d.version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  for (const definition of seeded) {
    // concurrently: on a cold cache each install takes a minute or two, mostly waiting on PyPI
    it.concurrent(`${definition.name} ${definition.version} installs and answers spec`, async () => {
      const spec = await launcher.spec({ runtime: definition.runtime }, { timeoutMs: 15 * 60_000 });
      if (!spec.ok) throw new Error(`${definition.name}: ${spec.failure.message}\n${spec.failure.internalMessage ?? ''}`);
      expect(typeof spec.value.connectionSpecification).toBe('object');
    }, 16 * 60_000);
  }
});
