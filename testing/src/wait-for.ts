/**
 * Polls `probe` until it returns something other than undefined, and returns that. A probe
 * that throws ends the wait with its error (e.g. the process it waits on has exited).
 * `what` names what is awaited in the timeout's message; a function is asked only then, so
 * the message can carry the output seen up to that moment.
 */
export async function waitFor<T>(
  what: string | (() => string),
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 30_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
