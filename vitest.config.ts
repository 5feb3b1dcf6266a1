import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));
const libs = ['domain', 'protocol', 'launcher', 'replication', 'connectors', 'config', 'db', 'workflows', 'api-client', 'storage', 'metrics'];
const apps = ['cli', 'server', 'worker', 'bootloader', 'pod-sweeper', 'cron', 'orchestrator'];

// Tests import workspace packages from source, so no build is needed for in-process code.
// Connector processes spawned by tests run the compiled dist/ (npm test builds first).
const testingAreas = ['db', 'connectors', 'replication', 'server', 'worker', 'cli', 'stack', 'webapp', 'kubernetes'];
const alias = {
  // subpath entries first: `@tributary/testing` would otherwise match `@tributary/testing/db` as a prefix
  ...Object.fromEntries(testingAreas.map((area) => [`@tributary/testing/${area}`, `${root}testing/src/${area}/index.ts`])),
  '@tributary/testing/spec-samples': `${root}testing/src/webapp/spec-samples.ts`,
  '@tributary/testing': `${root}testing/src/index.ts`,
  '@tributary/workflows/workflows': `${root}libs/workflows/src/workflows/index.ts`,
  '@tributary/launcher/kubernetes': `${root}libs/launcher/src/kubernetes/index.ts`,
  '@tributary/storage/s3': `${root}libs/storage/src/s3/index.ts`,
  '@tributary/metrics/tracing': `${root}libs/metrics/src/tracing/index.ts`,
  ...Object.fromEntries(libs.map((l) => [`@tributary/${l}`, `${root}libs/${l}/src/index.ts`])),
  ...Object.fromEntries(apps.map((a) => [`@tributary/${a}`, `${root}apps/${a}/src/index.ts`])),
  '@tributary/migrations': `${root}migrations/src/index.ts`,
};

const project = (name: string, dir: string, include = ['src/**/*.test.ts'], testTimeout = 60_000, exclude: string[] = []) => ({
  resolve: { alias },
  test: {
    name,
    root: `${root}${dir}`,
    include,
    exclude: ['**/node_modules/**', ...exclude],
    testTimeout,
    passWithNoTests: true,
    hookTimeout: 300_000,
  },
});

const webapp = (name: string, include: string[], testTimeout: number) => {
  const base = project(name, 'apps/webapp', include, testTimeout);
  return {
    resolve: { alias: { ...alias, '@': `${root}apps/webapp/src` } },
    // the browser tests start the whole stack and may build the web UI first: minutes on a busy 2-core machine;
    // one file (one stack) at a time
    test: { ...base.test, hookTimeout: 600_000, fileParallelism: name !== 'webapp-e2e' },
  };
};

export default defineConfig({
  test: {
    // one real PostgreSQL server per run, for every project: testing/src/postgres.ts
    globalSetup: [`${root}testing/src/vitest/postgres-setup.ts`],
    projects: [
      // the launcher's Kubernetes tests need the API server: in the kubernetes project
      ...libs.map((l) => project(l, `libs/${l}`, ['src/**/*.test.ts'], 60_000, l === 'launcher' ? ['src/kubernetes/**'] : [])),
      ...apps.map((a) => project(a, `apps/${a}`, ['src/**/*.test.ts'], 60_000, ['src/**/*.install.test.ts'])),
      // every seeded PyPI connector installs and answers spec (slow the first time: cached after)
      project('seeded-connectors', 'apps/bootloader', ['src/**/*.install.test.ts'], 16 * 60_000),
      // the whole stack as separate processes, driven through the HTTP API
      project('e2e', 'tools/e2e', ['**/*.test.ts'], 300_000),
      // the web UI: component tests (spec forms over real connector specs), then the browser against the whole stack
      webapp('webapp', ['src/**/*.test.{ts,tsx}'], 60_000),
      webapp('webapp-e2e', ['e2e/**/*.test.ts'], 300_000),
      // `npm start`'s supervisor (tools/stack), run as a process like a user runs it
      project('tools', 'tools', ['stack/**/*.test.ts', 'architecture/**/*.test.ts', 'grafana/**/*.test.ts'], 180_000),
      // a real kube-apiserver + etcd, the fake kubelet, the Helm chart
      project('kubernetes', '.', ['testing/src/kubernetes/**/*.test.ts', 'libs/launcher/src/kubernetes/**/*.test.ts', 'charts/**/*.test.ts'], 120_000),
    ],
  },
});
