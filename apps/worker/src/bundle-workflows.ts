/** Build step: bundles the workflow code once so production workers start fast and all run the same code. */
import { writeFile } from 'node:fs/promises';
import { bundleWorkflowCode } from '@temporalio/worker';
import { defaultBundlePath, workflowsEntryPath } from './workflow-code.js';

const out = process.argv[2] ?? defaultBundlePath();
const { code } = await bundleWorkflowCode({ workflowsPath: workflowsEntryPath() });
await writeFile(out, code);
console.log(`workflow bundle written to ${out} (${code.length} bytes)`);
