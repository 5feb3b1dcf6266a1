/**
 * Finding an executable the way spawn will (a PATH lookup for bare names), so that a
 * missing connector binary is reported as a launch error instead of a bare exit 127.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

export async function isExecutableFile(path: string): Promise<boolean> {
  try {
    if (!(await stat(path)).isFile()) return false;
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The executable's path, or undefined if `command` would not start. `searchPath` is the child's PATH. */
export async function findExecutable(command: string, searchPath: string | undefined, cwd = process.cwd()): Promise<string | undefined> {
  if (command.includes('/')) {
    const path = isAbsolute(command) ? command : resolve(cwd, command);
    return (await isExecutableFile(path)) ? path : undefined;
  }
  for (const dir of (searchPath ?? '').split(delimiter)) {
    // an empty PATH entry means the current directory, as in execvp
    const candidate = join(dir === '' ? cwd : resolve(cwd, dir), command);
    if (await isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}
