/**
 * Where the worker gets its workflow code: a bundle prebuilt at build time
 * (`npm run bundle -w @tributary/worker` writes dist/workflow-bundle.js), or, when there
 * is none (tests, dev), the workflow sources bundled at start-up (a few seconds).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export type WorkflowCode = { bundlePath: string } | { workflowsPath: string };

/** The workflows entry of @tributary/workflows, as this process resolves it (dist, or src under the source condition). */
export function workflowsEntryPath(): string {
  return fileURLToPath(import.meta.resolve('@tributary/workflows/workflows'));
}

/** dist/workflow-bundle.js next to this module (when running from dist/). */
export function defaultBundlePath(): string {
  return fileURLToPath(new URL('./workflow-bundle.js', import.meta.url));
}

export function resolveWorkflowCode(bundlePath = defaultBundlePath()): WorkflowCode {
  return existsSync(bundlePath) ? { bundlePath } : { workflowsPath: workflowsEntryPath() };
}
