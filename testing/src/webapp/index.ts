/** `@tributary/testing/webapp`: Debian's Chromium driven by playwright-core, the stack with the web UI, spec samples for the form renderer. */
export * from './browser.js';
export * from './webapp-stack.js';
export * from './spec-samples.js';
