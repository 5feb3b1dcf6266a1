import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { getPriority } from 'node:os';
import { describe, expect, it } from 'vitest';
import { lowerCpuPriority } from './cpu-priority.js';

describe('lowerCpuPriority', () => {
  it("lowers a running process's priority and its session's, and leaves a process that is gone without an error", async () => {
    const child = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
    try {
      lowerCpuPriority(child.pid!, 7);
      expect(getPriority(child.pid!)).toBe(7);
      if (existsSync(`/proc/${child.pid}/autogroup`)) expect(await readFile(`/proc/${child.pid}/autogroup`, 'utf8')).toMatch(/ nice 7\n$/);
    } finally {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    // gone (its /proc entry and its pid): best effort, nothing thrown
    expect(() => lowerCpuPriority(child.pid!, 7)).not.toThrow();
  });
});
