// One lint config for the whole monorepo (flat config).
import { readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const TS = ['**/*.ts', '**/*.tsx'];
const TESTS = ['**/*.test.ts', '**/*.test.tsx'];

/**
 * Heavy clients live behind their own entry points (tools/architecture/entry-points.test.ts
 * checks what each entry really loads): only these folders may import them.
 */
const HEAVY_CLIENT_HOMES = {
  '@kubernetes/client-node': ['libs/launcher/src/kubernetes/**', 'apps/pod-sweeper/**', 'testing/**'],
  minio: ['libs/storage/src/s3/**', 'testing/**'],
};
/** Packages that need only types and the vocabulary: no database client either. */
const DATABASE_FREE = ['libs/domain', 'libs/protocol', 'libs/launcher', 'libs/replication', 'libs/storage', 'libs/workflows', 'libs/config', 'libs/api-client', 'apps/cli'];
const DATABASE_CLIENTS = ['pg', 'pg-copy-streams', 'typeorm'];
const APPS = readdirSync('apps').map((app) => `@tributary/${app}`);

/**
 * `no-restricted-imports` options for one file group. Flat config replaces a rule's options
 * rather than merging them, so each group gets every restriction that applies to it at once.
 */
function restrictedImports({ inLib = false, workflowCode = false, databaseFree = false, heavyHome, testCode = false }) {
  const patterns = [];
  const paths = [];
  for (const [client, homes] of Object.entries(HEAVY_CLIENT_HOMES)) {
    if (heavyHome !== client && !(testCode && homes.includes('testing/**')))
      paths.push({ name: client, message: `import ${client} only behind its own entry point (${homes.join(', ')})` });
  }
  if (databaseFree && !testCode) for (const name of DATABASE_CLIENTS) paths.push({ name, message: 'this package needs no database client' });
  if (inLib) patterns.push({ group: [...APPS, '**/apps/**'], message: 'libs never import apps' });
  if (!testCode) patterns.push({ group: ['@tributary/testing', '@tributary/testing/*'], message: 'test support is for tests only' });
  if (workflowCode) {
    paths.push(
      ...[...builtinModules, '@temporalio/activity', '@temporalio/client', '@temporalio/worker'].map((name) => ({
        name,
        message: 'workflow code must stay deterministic: no Node builtins, no activity/client/worker APIs',
      })),
    );
    patterns.push(
      { group: ['node:*'], message: 'workflow code must stay deterministic: no Node builtins' },
      // @tributary/domain is pure (no I/O, no Node builtins): values from it are fine
      { group: ['@tributary/*', '!@tributary/domain'], allowTypeImports: true, message: 'only types from other libs (values from @tributary/domain) in workflow code' },
    );
  }
  return ['error', { paths, patterns }];
}

const packages = [...readdirSync('libs').map((l) => `libs/${l}`), ...readdirSync('apps').map((a) => `apps/${a}`), 'migrations', 'testing'];
const restrictionGroups = packages.flatMap((dir) => {
  const base = { inLib: dir.startsWith('libs/'), databaseFree: DATABASE_FREE.includes(dir) };
  const groups = [
    { files: [`${dir}/**/*.ts`], ignores: TESTS, rules: { 'no-restricted-imports': restrictedImports({ ...base, testCode: dir === 'testing' }) } },
    { files: TESTS.map((t) => `${dir}/${t}`), rules: { 'no-restricted-imports': restrictedImports({ ...base, testCode: true }) } },
  ];
  if (dir === 'libs/workflows')
    groups.push({ files: ['libs/workflows/src/**/*.ts'], ignores: TESTS, rules: { 'no-restricted-imports': restrictedImports({ ...base, workflowCode: true }) } });
  for (const [client, homes] of Object.entries(HEAVY_CLIENT_HOMES)) {
    for (const home of homes.filter((h) => h.startsWith(`${dir}/`))) {
      const files = [home.endsWith('**') ? `${home}/*.ts` : home];
      groups.push({ files, ignores: TESTS, rules: { 'no-restricted-imports': restrictedImports({ ...base, heavyHome: client, testCode: dir === 'testing' }) } });
      // the tests in a heavy client's home use the test support too
      groups.push({ files: files.map((f) => f.replace(/\*\.ts$/, '*.test.ts')), rules: { 'no-restricted-imports': restrictedImports({ ...base, heavyHome: client, testCode: true }) } });
    }
  }
  return groups;
});

/**
 * Layers, as Nx tags in each package.json: vocabulary (protocol, domain) <- lib <- contracts
 * (workflows) <- data (db, migrations) <- app; test support (testing) may use anything and only
 * tests use it. enforce-module-boundaries fails the lint on an import against the grain.
 */
const LAYERS = {
  'type:vocabulary': ['type:vocabulary'],
  'type:lib': ['type:vocabulary', 'type:lib'],
  'type:contracts': ['type:vocabulary', 'type:lib', 'type:contracts'],
  'type:data': ['type:vocabulary', 'type:lib', 'type:contracts', 'type:data'],
  'type:app': ['type:vocabulary', 'type:lib', 'type:contracts', 'type:data'],
  'type:testing': ['type:vocabulary', 'type:lib', 'type:contracts', 'type:data', 'type:app', 'type:testing'],
};
const BANNED_EXTERNALS = {
  'type:vocabulary': ['pg', 'pg-copy-streams', 'typeorm', '@nestjs/*', '@temporalio/*', '@kubernetes/client-node', 'minio', 'pino'],
  'type:lib': ['typeorm', '@nestjs/*', '@temporalio/*'],
  'type:contracts': ['pg', 'pg-copy-streams', 'typeorm', '@nestjs/*', '@temporalio/activity', '@temporalio/client', '@temporalio/worker', '@kubernetes/client-node', 'minio'],
  'type:data': ['@nestjs/*', '@temporalio/*'],
};

function moduleBoundaries({ tests }) {
  return [
    'error',
    {
      depConstraints: Object.entries(LAYERS).map(([sourceTag, onlyDependOnLibsWithTags]) => ({
        sourceTag,
        onlyDependOnLibsWithTags: tests ? [...new Set([...onlyDependOnLibsWithTags, 'type:testing'])] : onlyDependOnLibsWithTags,
        ...(BANNED_EXTERNALS[sourceTag] ? { bannedExternalImports: BANNED_EXTERNALS[sourceTag] } : {}),
      })),
      // the test support starts Temporal and picks ports as the `npm start` supervisor does: one copy, in tools/stack
      allow: ['../../tools/stack/ports.mjs', '../../tools/stack/temporal.mjs'],
      // tests of a package import the test support, which builds on that package
      ignoredCircularDependencies: packages.filter((dir) => dir !== 'testing').map((dir) => ['@tributary/testing', `@tributary/${dir.split('/').pop()}`]),
    },
  ];
}

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.next/**', 'coverage/**', '.nx/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // a promise nobody awaits loses its error (an unhandled rejection kills the process) and its ordering
    files: TS,
    // the web UI has its own (bundler-style) tsconfig
    languageOptions: { parserOptions: { project: ['./tsconfig.json', './apps/webapp/tsconfig.test.json'], tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
    },
  },
  // production code keeps to its layer; a package's tests may also use the test support
  { files: TS, ignores: TESTS, plugins: { '@nx': nx }, rules: { '@nx/enforce-module-boundaries': moduleBoundaries({ tests: false }) } },
  { files: TESTS, plugins: { '@nx': nx }, rules: { '@nx/enforce-module-boundaries': moduleBoundaries({ tests: true }) } },
  {
    // test fixtures are tiny connector programs in plain JS
    files: ['**/*.mjs', '**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // decorator metadata (Nest DI, ValidationPipe, TypeORM) needs DTO/entity classes imported as values:
    // tell the parser so consistent-type-imports does not turn them into `import type`
    files: ['apps/server/src/**/*.ts', 'libs/db/src/**/*.ts'],
    languageOptions: { parserOptions: { emitDecoratorMetadata: true, experimentalDecorators: true } },
  },
  ...restrictionGroups,
);
