/** Reading the JSON inputs of a command: inline JSON or a file path. */
import { readFile } from 'node:fs/promises';

export class InputError extends Error {
  override name = 'InputError';
}

/** `{"count":10}` is inline JSON; anything else is a path to a JSON file. */
export async function readJsonArg(value: string, what: string): Promise<unknown> {
  const inline = value.trimStart().startsWith('{') || value.trimStart().startsWith('[');
  let text = value;
  if (!inline) {
    try {
      text = await readFile(value, 'utf8');
    } catch (err) {
      throw new InputError(`cannot read ${what} file ${value}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InputError(`${what} is not valid JSON${inline ? '' : ` (${value})`}: ${(err as Error).message}`);
  }
}

export async function readJsonObjectArg(value: string, what: string): Promise<Record<string, unknown>> {
  const parsed = await readJsonArg(value, what);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new InputError(`${what} must be a JSON object`);
  return parsed as Record<string, unknown>;
}

/** A state file that does not exist yet means "first sync". */
export async function readOptionalJsonFile(path: string, what: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new InputError(`cannot read ${what} file ${path}: ${(err as Error).message}`);
  }
}
