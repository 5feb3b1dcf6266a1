#!/usr/bin/env node
// A connector that is hard to stop: it ignores SIGTERM and has grandchildren, one of them
// ignoring SIGTERM too, all holding its stdout open. Prints every pid as a LOG line.
// `stubborn-tree.mjs orphan-on-exit` instead exits normally, leaving the grandchildren behind.
import { spawn } from 'node:child_process';

const behaviour = process.argv[2];
const stdio = ['ignore', 'inherit', 'inherit'];
const plain = spawn('sleep', ['1000'], { stdio });
const deaf = spawn('sh', ['-c', 'trap "" TERM; exec sleep 1001'], { stdio }); // ignored signals survive exec
const pids = { leader: process.pid, plain: plain.pid, deaf: deaf.pid };
if (behaviour !== 'orphan-on-exit') {
  process.on('SIGTERM', () => process.stderr.write('ignoring SIGTERM\n'));
  setInterval(() => {}, 1000);
}
// announce only once sh has had time to set its trap, so a kill right after is a real test
setTimeout(() => {
  process.stdout.write(JSON.stringify({ type: 'LOG', log: { level: 'INFO', message: `pids ${JSON.stringify(pids)}` } }) + '\n');
  if (behaviour === 'orphan-on-exit') process.exit(0);
}, 200);
