// One supervised child process: output appended to its log file, the last lines kept for
// error reports, error-level JSON log lines passed to a callback, graceful stop.
import { spawn } from 'node:child_process';
import { chmodSync, closeSync, createWriteStream, openSync } from 'node:fs';

const TAIL_LINES = 30;

/** pino uses numbers (50 error, 60 fatal); Temporal's JSON logs and others use names */
const ERROR_LEVEL = /"level":\s*(?:[5-9]\d|"(?:error|fatal|dpanic|panic)")/i;

/**
 * The first line of an error-level JSON log line's message, with what the line says beside
 * it (a request's method, URL and status, or its path; a problem's detail; an error's
 * message): "request failed" alone tells a user nothing. undefined for any other line.
 */
export function errorMessage(line) {
  // a cheap test first: the API logs every request, only errors are worth parsing
  if (!line.startsWith('{') || !ERROR_LEVEL.test(line)) return undefined;
  let entry;
  try {
    entry = JSON.parse(line);
  } catch {
    return undefined;
  }
  const message = String(entry.msg ?? entry.message ?? line);
  // the access log's line has the request; the API's error lines have the path
  const request = entry.method && entry.url ? `${entry.method} ${entry.url}${entry.status ? ` answered ${entry.status}` : ''}` : entry.path;
  const context = [request, entry.detail, entry.err?.message].filter(
    (part) => typeof part === 'string' && part !== '' && !message.includes(part),
  );
  return [message, ...context].join(': ').split('\n')[0];
}

/**
 * Starts `command` in its own process group, so a Ctrl-C in the terminal reaches only the
 * supervisor, which then stops the services in order.
 *
 * `stdin`, when given, is written to the child's stdin, which is then closed (secrets that must
 * not sit in its environment, where /proc/<pid>/environ shows them).
 *
 * @param {{ name: string, command: string, args: string[], env: NodeJS.ProcessEnv, cwd: string, logFile: string,
 *           stdin?: string, onError?: (name: string, message: string) => void }} options
 */
export function startService({ name, command, args, env, cwd, logFile, stdin, onError }) {
  // the owner's only, also a log file an older version left readable by all
  closeSync(openSync(logFile, 'a', 0o600));
  chmodSync(logFile, 0o600);
  const log = createWriteStream(logFile, { flags: 'a' });
  log.write(`--- ${new Date().toISOString()} ${command} ${args.join(' ')}\n`);
  const child = spawn(command, args, { cwd, env, stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], detached: true });
  if (stdin !== undefined) {
    child.stdin.on('error', () => undefined); // a child that died at once: its exit says why
    child.stdin.end(stdin);
  }
  const tail = [];

  const collect = (stream) => {
    let partial = '';
    stream.on('data', (chunk) => {
      log.write(chunk);
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        tail.push(line);
        if (tail.length > TAIL_LINES) tail.shift();
        const message = errorMessage(line);
        if (message && onError) onError(name, message);
      }
    });
  };
  collect(child.stdout);
  collect(child.stderr);

  /** @type {Promise<{ code: number | null, signal: string | null, error?: Error }>} */
  const exited = new Promise((resolve) => {
    child.once('error', (error) => resolve({ code: null, signal: null, error }));
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  let running = true;
  void exited.then(({ code, signal, error }) => {
    running = false;
    log.end(`--- exited ${error ? error.message : signal ? `by ${signal}` : `with code ${code}`}\n`);
  });

  const signalGroup = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };

  return {
    name,
    pid: child.pid,
    exited,
    isRunning: () => running,
    tail: () => tail.join('\n'),
    /** SIGTERM, then after `graceMs` SIGKILL to its whole group (connector processes included) */
    async stop(graceMs) {
      if (!running) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
      const result = await exited;
      clearTimeout(timer);
      // children the service left behind (e.g. connector processes) go with it
      signalGroup('SIGKILL');
      return result;
    },
    kill: () => signalGroup('SIGKILL'),
  };
}

/** "exited with code 1" / "was killed by SIGKILL" / "could not start: ..." */
export function describeExit({ code, signal, error }) {
  if (error) return `could not start: ${error.message}`;
  return signal ? `was killed by ${signal}` : `exited with code ${code}`;
}
