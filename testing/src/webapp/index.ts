/**
 * `@tributary/testing/webapp`: Debian's Chromium driven by playwright-core, and the stack with the
 * web UI (Node only). The form renderer's component tests, which run in jsdom, take their spec
 * samples from `@tributary/testing/spec-samples` instead.
 */
export * from './browser.js';
export * from './webapp-stack.js';
