import { fileURLToPath } from 'node:url';
import type { NextConfig } from 'next';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

const config: NextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  // the monorepo root: workspace packages (@tributary/*) are symlinks into it
  turbopack: { root: repoRoot },
  outputFileTracingRoot: repoRoot,
  // loaded by Node at run time, not bundled: libs/config brings pino and its worker threads
  serverExternalPackages: ['@tributary/config', '@tributary/workflows', '@temporalio/workflow', 'pino', 'zod'],
};

export default config;
