/**
 * The `pypi` runtime: a Python connector package installed once into its own virtualenv
 * at `<installDir>/pypi/<package>-<version>/` (as PyAirbyte does), then run through
 * the console script it installs.
 */
import type { LogSink } from '@tributary/domain';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { runInstallCommand } from './install-command.js';
import { installOnce } from './install-once.js';
import { isExecutableFile } from './find-executable.js';

export interface PypiRuntime {
  package: string;
  version: string;
  entrypoint?: string;
}

// PEP 508 names; versions are checked loosely, but must not be able to escape installDir
const PYPI_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;
const PYPI_VERSION = /^[A-Za-z0-9][A-Za-z0-9.+!_-]*$/;

export function pypiInstallDir(installDir: string, runtime: PypiRuntime): string {
  if (!PYPI_NAME.test(runtime.package)) throw new Error(`invalid PyPI package name "${runtime.package}"`);
  if (!PYPI_VERSION.test(runtime.version)) throw new Error(`invalid version "${runtime.version}" for ${runtime.package}`);
  return join(installDir, 'pypi', `${runtime.package}-${runtime.version}`);
}

export async function resolvePypiRuntime(
  runtime: PypiRuntime,
  options: { installDir: string; python?: string },
  onLog?: LogSink,
): Promise<{ command: string; args: string[] }> {
  const venv = pypiInstallDir(options.installDir, runtime);
  const requirement = `${runtime.package}==${runtime.version}`;
  await installOnce(
    venv,
    async (dir, log) => {
      await runInstallCommand(
        { command: options.python ?? 'python3', args: ['-m', 'venv', dir], what: `creating a virtualenv for ${requirement}` },
        log,
      );
      const pip = ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-input', requirement];
      await runInstallCommand({ command: join(dir, 'bin', 'python'), args: pip, what: `pip install ${requirement}` }, log);
    },
    { what: requirement, onLog },
  );
  return { command: await findEntrypoint(venv, runtime), args: [] };
}

const CONNECTOR_SCRIPT = /^(source|destination)-/;

/**
 * The console script to run. Connector packages rarely name their script after the
 * package (airbyte-source-faker installs `source-faker`, and its dependency airbyte-cdk
 * adds `source-declarative-manifest`), so without an explicit entrypoint we look at the
 * package's own entry points before guessing from the venv's bin/.
 */
async function findEntrypoint(venv: string, runtime: PypiRuntime): Promise<string> {
  const bin = join(venv, 'bin');
  const inBin = async (name: string) => ((await isExecutableFile(join(bin, name))) ? join(bin, name) : undefined);
  const binScripts = async () => (await readdir(bin)).filter((f) => CONNECTOR_SCRIPT.test(f)).sort();

  if (runtime.entrypoint) {
    const found = await inBin(runtime.entrypoint);
    if (found) return found;
    throw new Error(
      `${runtime.package}==${runtime.version} installs no console script "${runtime.entrypoint}"; candidates: ${listOrNone(await binScripts())}`,
    );
  }
  for (const name of [runtime.package, runtime.package.replace(/^airbyte-/, '')]) {
    const found = await inBin(name);
    if (found) return found;
  }
  const own = await packageConsoleScripts(venv, runtime.package);
  const ownPick = own.length === 1 ? own : own.filter((s) => CONNECTOR_SCRIPT.test(s));
  if (ownPick.length === 1 && ownPick[0]) {
    const found = await inBin(ownPick[0]);
    if (found) return found;
  }
  const scripts = await binScripts();
  if (scripts.length === 1 && scripts[0]) return join(bin, scripts[0]);
  throw new Error(
    `cannot tell which console script of ${runtime.package}==${runtime.version} to run; ` +
      `set the runtime's entrypoint to one of: ${listOrNone(own.length ? own : scripts)}`,
  );
}

/** The `[console_scripts]` of the package's own dist-info (not its dependencies'). */
async function packageConsoleScripts(venv: string, pkg: string): Promise<string[]> {
  const normalize = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '_');
  const libDir = join(venv, 'lib');
  for (const python of await readdir(libDir).catch(() => [])) {
    const sitePackages = join(libDir, python, 'site-packages');
    const distInfo = (await readdir(sitePackages).catch(() => [])).find(
      (d) => d.endsWith('.dist-info') && normalize(d.slice(0, d.indexOf('-'))) === normalize(pkg),
    );
    if (!distInfo) continue;
    const text = await readFile(join(sitePackages, distInfo, 'entry_points.txt'), 'utf8').catch(() => '');
    return consoleScriptsOf(text);
  }
  return [];
}

export function consoleScriptsOf(entryPointsTxt: string): string[] {
  const scripts: string[] = [];
  let inSection = false;
  for (const raw of entryPointsTxt.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('[')) inSection = line === '[console_scripts]';
    else if (inSection && line.includes('=')) scripts.push(line.slice(0, line.indexOf('=')).trim());
  }
  return scripts;
}

function listOrNone(names: string[]): string {
  return names.length ? names.join(', ') : '(none)';
}
