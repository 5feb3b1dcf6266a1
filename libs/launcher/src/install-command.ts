/**
 * Running one installer command (`python -m venv`, `pip install`, `npm install`): its
 * output goes to the platform log, and a failure carries the tail of its stderr so the
 * user sees pip's or npm's actual complaint rather than just an exit code.
 */
import { spawn } from 'node:child_process';
import { LineSplitter } from '@tributary/protocol';
import { connectorEnv } from './connector-process.js';
import type { PlatformLog } from './platform-log.js';

const STDERR_TAIL_LINES = 20;

/** Installer settings worth passing through (index URLs, certificates, caches); nothing else of ours. */
const INSTALLER_ENV =
  /^(PIP_|UV_|NPM_CONFIG_(REGISTRY|CAFILE|CACHE|USERCONFIG|STRICT_SSL)$|NODE_EXTRA_CA_CERTS$|REQUESTS_CA_BUNDLE$|CURL_CA_BUNDLE$)/i;

export function installerEnv(): Record<string, string> {
  const extra: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && INSTALLER_ENV.test(key)) extra[key] = value;
  }
  return connectorEnv(extra);
}

export interface InstallCommand {
  command: string;
  args: string[];
  /** what the command does, for messages, e.g. `pip install foo==1.0` */
  what: string;
  cwd?: string;
}

export function runInstallCommand(cmd: InstallCommand, log: PlatformLog): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd.command, cmd.args, { cwd: cmd.cwd, env: installerEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    const stderrTail: string[] = [];
    const lineLimit = { maxLineBytes: 64 * 1024 };
    const stdoutLines = new LineSplitter((line) => log('info', line.toString('utf8')), lineLimit);
    const stderrLines = new LineSplitter((line) => {
      const text = line.toString('utf8');
      log('warn', text);
      stderrTail.push(text);
      if (stderrTail.length > STDERR_TAIL_LINES) stderrTail.shift();
    }, lineLimit);
    const push = (lines: LineSplitter) => (chunk: Buffer) => {
      try {
        lines.push(chunk);
      } catch {
        // a runaway line (progress bars without newlines) is dropped, not fatal
      }
    };
    child.stdout.on('data', push(stdoutLines));
    child.stderr.on('data', push(stderrLines));
    let settled = false;
    child.once('error', (err) => {
      if (settled) return;
      settled = true;
      reject(new Error(`${cmd.what} failed: could not run ${cmd.command}: ${err.message}`));
    });
    child.once('close', (code, signal) => {
      if (settled) return;
      settled = true;
      for (const lines of [stdoutLines, stderrLines]) {
        try {
          lines.end();
        } catch {
          // as above
        }
      }
      if (code === 0) return resolve();
      const status = signal ? `killed by ${signal}` : `exit code ${code}`;
      const tail = stderrTail.length ? `:\n${stderrTail.join('\n')}` : ' (no output on stderr)';
      reject(new Error(`${cmd.what} failed (${status})${tail}`));
    });
  });
}
