// Prints vitest's JSON report (its path is the argument) as one plain closing line:
// "vitest: N passed, N failed, N skipped". Printed last by `npm test`, so a reader of the output
// (a person or CI) sees the count without parsing vitest's coloured summary.
import { readFileSync } from 'node:fs';

const path = process.argv[2];
let report;
try {
  report = JSON.parse(readFileSync(path, 'utf8'));
} catch (error) {
  console.log(`vitest: no report (${error instanceof Error ? error.message : String(error)})`);
  process.exit(0);
}
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
console.log(`vitest: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped`);
