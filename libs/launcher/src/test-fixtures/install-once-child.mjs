// One of several processes racing to install the same thing (run with `node --import tsx`).
// Usage: install-once-child.mjs <dir> <counter file> <install ms>. Each install appends
// its pid to the counter file, so the test can count how many installs really ran.
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { installOnce } from '../install-once.ts';

const [dir, counter, installMs] = process.argv.slice(2);
await installOnce(
  dir,
  async (target) => {
    await appendFile(counter, `${process.pid}\n`);
    await mkdir(target, { recursive: true });
    await sleep(Number(installMs));
    await writeFile(join(target, 'payload'), 'installed');
  },
  { what: 'fixture', pollMs: 50, onLog: (e) => process.stdout.write(`${e.message}\n`) },
);
