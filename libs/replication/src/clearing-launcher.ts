/**
 * A clear job runs only the destination: it receives the cleared streams (with
 * minimum_generation_id = generation_id), no records, and each stream ends COMPLETE, so
 * the destination drops every row of an older generation. Reusing replicate() for this
 * keeps one path for stats, logs, cancellation and failure reasons; the source side is a
 * stand-in that has already exited successfully with nothing to say.
 */
import { PassThrough } from 'node:stream';
import type { ConnectorLauncher, ConnectorProcess } from '@tributary/launcher';

function finishedSilentSource(): ConnectorProcess {
  const stdout = new PassThrough();
  stdout.end();
  const stdin = new PassThrough();
  stdin.resume();
  const exit = { code: 0, signal: null };
  return { role: 'source', stdout, stdin, exited: Promise.resolve(exit), kill: () => Promise.resolve(exit) };
}

/** The given launcher, except that `read` produces no output and succeeds at once. */
export function clearingLauncher(launcher: ConnectorLauncher): ConnectorLauncher {
  return {
    spec: (...args) => launcher.spec(...args),
    check: (...args) => launcher.check(...args),
    discover: (...args) => launcher.discover(...args),
    write: (...args) => launcher.write(...args),
    read: () => Promise.resolve(finishedSilentSource()),
  };
}
