/**
 * Nothing of the test support ships: the build of every package compiles only its own
 * production sources (no tests, nothing of testing/), whatever its tsconfig globs say.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '@tributary/testing';

const built = (JSON.parse(readFileSync(join(repoRoot, 'tsconfig.build.json'), 'utf8')) as { references: { path: string }[] }).references.map(
  (r) => r.path,
);

describe('what the build compiles', () => {
  it('knows every package', () => {
    expect(built).toEqual(expect.arrayContaining(['libs/domain', 'libs/db', 'apps/server', 'apps/worker']));
    expect(built).not.toContain('testing');
  });

  for (const project of built) {
    it(`${project} compiles no test and no test support`, async () => {
      const { stdout } = await promisify(execFile)(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', join(repoRoot, project, 'tsconfig.json'), '--listFilesOnly'], {
        cwd: repoRoot,
        maxBuffer: 16 * 1024 * 1024,
      });
      const own = stdout.split('\n').filter((file) => file.startsWith(join(repoRoot, project) + '/'));
      expect(own.length).toBeGreaterThan(0);
      expect(own.filter((file) => /\.test\.ts$|\/testing\/|\/test-fixtures\/|\.testing\.ts$/.test(file))).toEqual([]);
    });
  }
});
