// readInputChunks in a real child process, with stdin as each kind of file a destination
// gets: a Unix socket (Node's stdio 'pipe', as the platform's launcher gives it), a shell
// pipe, a plain file. Runs the built module: `npx tsc -b libs/protocol` first.
import { execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const built = fileURLToPath(new URL('../dist/input-chunks.js', import.meta.url));

// every 7th chunk is handled asynchronously (reading must wait for it); chunks are hashed as they come
const reader = `
import { createHash } from 'node:crypto';
import { readInputChunks } from ${JSON.stringify(built)};
const hash = createHash('sha256');
let bytes = 0, chunks = 0, largest = 0;
const throwAt = Number(process.env.THROW_AT ?? 0);
await readInputChunks((chunk) => {
  chunks++;
  if (chunks === throwAt) throw new Error('handler failed at chunk ' + chunks);
  largest = Math.max(largest, chunk.length);
  if (chunks % 7 !== 0) { hash.update(chunk); bytes += chunk.length; return; }
  const copy = Buffer.from(chunk);
  return new Promise((resolve) => setTimeout(() => { hash.update(copy); bytes += copy.length; resolve(); }, 2));
});
process.stdout.write(JSON.stringify({ bytes, chunks, largest, sha: hash.digest('hex') }));
`;

interface Report {
  bytes: number;
  chunks: number;
  largest: number;
  sha: string;
}

describe('readInputChunks (stdin into one reused buffer)', () => {
  let dir: string;
  let input: Buffer;
  let inputFile: string;
  let script: string;
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

  beforeAll(async () => {
    expect(existsSync(built), `${built} is missing: build first`).toBe(true);
    dir = await mkdtemp(join(tmpdir(), 'input-chunks-'));
    // 6 MB of JSON lines: many reads, several of them asynchronous
    input = Buffer.from(
      Array.from({ length: 60_000 }, (_, i) => JSON.stringify({ i, pad: randomBytes(30).toString('hex') })).join('\n') + '\n',
    );
    inputFile = join(dir, 'input.jsonl');
    await writeFile(inputFile, input);
    script = join(dir, 'reader.mjs');
    await writeFile(script, reader);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads a Unix socket stdin (the launcher’s) whole and in order, waiting for asynchronous handlers', async () => {
    const child = spawn(process.execPath, [script], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stdin.end(input);
    await new Promise((resolve) => child.once('close', resolve));
    const report = JSON.parse(out) as Report;
    expect(report).toMatchObject({ bytes: input.length, sha: sha(input) });
    expect(report.chunks).toBeGreaterThan(7);
  });

  it('reads a shell pipe and a plain file the same', async () => {
    const run = promisify(execFile);
    const viaPipe = JSON.parse((await run('sh', ['-c', `cat "$1" | "$0" "$2"`, process.execPath, inputFile, script])).stdout) as Report;
    expect(viaPipe).toMatchObject({ bytes: input.length, sha: sha(input) });
    const viaFile = JSON.parse((await run('sh', ['-c', `"$0" "$2" < "$1"`, process.execPath, inputFile, script])).stdout) as Report;
    expect(viaFile).toMatchObject({ bytes: input.length, sha: sha(input) });
  });

  it('rejects with the error of a handler that throws, and stops reading', async () => {
    const child = spawn(process.execPath, [script], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, THROW_AT: '3' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdin.on('error', () => undefined); // the reader is gone before all is written
    child.stdin.end(input);
    const code = await new Promise((resolve) => child.once('close', resolve));
    expect(code).not.toBe(0);
    expect(err).toContain('handler failed at chunk 3');
    expect(out).toBe('');
  });

  it('ends at once on an empty stdin', async () => {
    const { stdout } = await promisify(execFile)('sh', ['-c', `"$0" "$1" < /dev/null`, process.execPath, script]);
    expect(JSON.parse(stdout)).toMatchObject({ bytes: 0, chunks: 0 });
  });
});
