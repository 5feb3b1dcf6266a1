// One lint config for the whole monorepo (flat config).
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

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
  {
    // libs never import apps
    files: ['libs/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['@tributary/cli', '@tributary/server', '@tributary/worker', '**/apps/**'] }] },
  },
  {
    // workflow code runs in Temporal's deterministic sandbox: no I/O, only the workflow API
    // and types (value imports of other @tributary libs than domain would drag Node code into the bundle)
    files: ['libs/workflows/src/**/*.ts'],
    ignores: ['libs/workflows/src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...builtinModules, '@temporalio/activity', '@temporalio/client', '@temporalio/worker'].map((name) => ({
            name,
            message: 'workflow code must stay deterministic: no Node builtins, no activity/client/worker APIs',
          })),
          patterns: [
            { group: ['node:*'], message: 'workflow code must stay deterministic: no Node builtins' },
            // @tributary/domain is pure (no I/O, no Node builtins): values from it are fine
            { group: ['@tributary/*', '!@tributary/domain'], allowTypeImports: true, message: 'only types from other libs (values from @tributary/domain) in workflow code' },
            { group: ['@tributary/cli', '@tributary/server', '@tributary/worker', '**/apps/**'], message: 'libs never import apps' },
          ],
        },
      ],
    },
  },
);
