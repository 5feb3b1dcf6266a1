/** JsonlStorage on the local filesystem: `<root>/<segments...>`. */
import { randomUUID } from 'node:crypto';
import { mkdir, open, rename, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { JsonlStorage, StoredObjectWriter, WriteMode } from './storage.js';

/** Resolves segments under root and refuses anything that would land outside it. */
export function resolveInside(root: string, segments: readonly string[]): string {
  const target = resolve(root, ...segments);
  const rel = relative(root, target);
  if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) {
    throw new Error(`refusing to write outside the destination directory: ${segments.join('/')}`);
  }
  return target;
}

/** Temp name beside the target: a leading dot never clashes with a sanitised stream file. */
function inProgressPath(target: string): string {
  return join(dirname(target), `.${target.slice(dirname(target).length + 1)}.inprogress`);
}

class LocalFileWriter implements StoredObjectWriter {
  private closed = false;

  constructor(
    private readonly handle: FileHandle,
    private readonly writtenPath: string,
    /** set for 'replace': where the file goes on commit */
    private readonly finalPath: string | undefined,
  ) {}

  async write(data: string): Promise<void> {
    await this.handle.write(data);
  }

  async sync(): Promise<void> {
    await this.handle.datasync();
  }

  async commit(): Promise<void> {
    await this.close(true);
    if (this.finalPath) {
      await rename(this.writtenPath, this.finalPath);
      await syncDirectory(dirname(this.finalPath));
    }
  }

  async abort(): Promise<void> {
    await this.close(false);
    if (this.finalPath) await rm(this.writtenPath, { force: true });
  }

  private async close(sync: boolean): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      if (sync) await this.handle.datasync();
    } finally {
      await this.handle.close();
    }
  }
}

/** makes a rename durable; not every filesystem allows fsync on a directory, so best effort */
async function syncDirectory(path: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, 'r');
    await handle.sync();
  } catch {
    // ignore: the rename itself has happened
  } finally {
    await handle?.close();
  }
}

export class LocalDirectoryStorage implements JsonlStorage {
  constructor(readonly root: string) {}

  get description(): string {
    return this.root;
  }

  async checkWritable(): Promise<void> {
    await mkdir(this.root, { recursive: true });
    const probe = join(this.root, `.tributary-check-${randomUUID()}`);
    try {
      await writeFile(probe, 'ok');
    } finally {
      await rm(probe, { force: true });
    }
  }

  async open(path: readonly string[], mode: WriteMode): Promise<StoredObjectWriter> {
    const target = resolveInside(this.root, path);
    await mkdir(dirname(target), { recursive: true });
    if (mode === 'append') return new LocalFileWriter(await open(target, 'a'), target, undefined);
    // 'w' truncates what an earlier, failed attempt may have left
    const temp = inProgressPath(target);
    return new LocalFileWriter(await open(temp, 'w'), temp, target);
  }
}
