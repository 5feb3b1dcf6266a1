import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));
const libs = ['protocol', 'launcher', 'replication', 'connectors', 'config', 'db', 'workflows', 'api-client', 'storage'];
const apps = ['cli', 'server', 'worker', 'bootloader'];

// Tests import workspace packages from source, so no build is needed for in-process code.
// Connector processes spawned by tests run the compiled dist/ (npm test builds first).
const alias = {
  // subpath entries first: `@tributary/db` would otherwise match `@tributary/db/testing` as a prefix
  '@tributary/db/testing': `${root}libs/db/src/testing/index.testing.ts`,
  ...Object.fromEntries(libs.map((l) => [`@tributary/${l}`, `${root}libs/${l}/src/index.ts`])),
  '@tributary/migrations': `${root}migrations/src/index.ts`,
};

const project = (name: string, dir: string, include = ['src/**/*.test.ts'], testTimeout = 60_000) => ({
  resolve: { alias },
  test: {
    name,
    root: `${root}${dir}`,
    include,
    testTimeout,
    passWithNoTests: true,
    hookTimeout: 300_000,
  },
});

const webapp = (name: string, include: string[], testTimeout: number) => {
  const base = project(name, 'apps/webapp', include, testTimeout);
  return {
    resolve: { alias: { ...alias, '@': `${root}apps/webapp/src` } },
    // the browser tests start the whole stack and may build the web UI first: minutes on a busy 2-core machine
    test: { ...base.test, hookTimeout: 600_000 },
  };
};

export default defineConfig({
  test: {
    // one real PostgreSQL server per run, for every project: tools/testing/postgres.ts
    globalSetup: [`${root}tools/vitest/postgres-setup.ts`],
    projects: [
      ...libs.map((l) => project(l, `libs/${l}`)),
      ...apps.map((a) => project(a, `apps/${a}`)),
      // the whole stack as separate processes, driven through the HTTP API
      project('e2e', 'tools/e2e', ['**/*.test.ts'], 300_000),
      // the web UI: component tests (spec forms over real connector specs), then the browser against the whole stack
      webapp('webapp', ['src/**/*.test.{ts,tsx}'], 60_000),
      webapp('webapp-e2e', ['e2e/**/*.test.ts'], 300_000),
      // `npm start`'s supervisor (tools/stack), run as a process like a user runs it
      project('tools', 'tools', ['stack/**/*.test.ts'], 180_000),
    ],
  },
});
