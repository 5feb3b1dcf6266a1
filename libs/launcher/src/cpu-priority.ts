/**
 * A lower CPU priority for a destination, so that on a busy machine its source is not the
 * one kept waiting: what a destination cannot take yet waits in the engine's spill file and
 * is loaded once the source gives the CPU back (a stream that is cheap for the destination,
 * the source's own end), while a source held back finishes later than it could have.
 *
 * Linux schedules each session as one group when autogroups are on (their default), and
 * every connector has a session of its own, so a nice value on the process itself would only
 * rank it against itself: the session's nice (/proc/PID/autogroup) ranks it against the
 * source. setpriority does it where autogroups are off or not used (a worker in a cgroup of
 * its own, as under systemd or in a container). Both are best effort: a connector that runs
 * as another user than a non-root worker keeps its priority.
 */
import { writeFileSync } from 'node:fs';
import { setPriority } from 'node:os';

/** `nice`: 1-19 (higher is gentler) */
export function lowerCpuPriority(pid: number, nice: number): void {
  try {
    writeFileSync(`/proc/${pid}/autogroup`, String(nice));
  } catch {
    // no autogroups in this kernel, not Linux, or not ours to change
  }
  try {
    setPriority(pid, nice);
  } catch {
    // not ours to change
  }
}
