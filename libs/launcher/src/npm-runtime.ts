/**
 * The `npm` runtime: a Node connector package installed once into its own prefix at
 * `<installDir>/npm/<package>-<version>/`, run through its bin. `package` may also be
 * a local tarball or directory (a path), for connectors not published to a registry;
 * then `version` is only the cache key: bump it to reinstall.
 */
import type { LogSink } from '@tributary/domain';
import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { isExecutableFile } from './find-executable.js';
import { runInstallCommand } from './install-command.js';
import { installOnce } from './install-once.js';

export interface NpmRuntime {
  package: string;
  version: string;
  bin?: string;
}

const NPM_NAME = /^(?:@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/i;
const NPM_VERSION = /^[\w.+-]+$/;

function isLocalPackage(pkg: string): boolean {
  return pkg.startsWith('file:') || pkg.startsWith('.') || isAbsolute(pkg) || /\.(tgz|tar\.gz)$/.test(pkg);
}

/** What to hand `npm install`, and where the prefix lives. */
export function npmInstallTarget(installDir: string, runtime: NpmRuntime): { spec: string; dir: string } {
  if (!NPM_VERSION.test(runtime.version)) throw new Error(`invalid version "${runtime.version}" for ${runtime.package}`);
  if (isLocalPackage(runtime.package)) {
    const path = resolve(runtime.package.replace(/^file:/, ''));
    const stem = basename(path)
      .replace(/\.(tgz|tar\.gz)$/, '')
      .replace(/[^\w.-]/g, '_');
    // the path's hash keeps two local packages with the same file name apart
    const hash = createHash('sha256').update(path).digest('hex').slice(0, 8);
    return { spec: path, dir: join(installDir, 'npm', `file-${stem}-${hash}-${runtime.version}`) };
  }
  if (!NPM_NAME.test(runtime.package)) throw new Error(`invalid npm package name "${runtime.package}"`);
  return {
    spec: `${runtime.package}@${runtime.version}`,
    dir: join(installDir, 'npm', `${runtime.package.replace('/', '__')}-${runtime.version}`),
  };
}

export async function resolveNpmRuntime(
  runtime: NpmRuntime,
  options: { installDir: string; npm?: string },
  onLog?: LogSink,
): Promise<{ command: string; args: string[] }> {
  const { spec, dir } = npmInstallTarget(options.installDir, runtime);
  await installOnce(
    dir,
    async (prefix, log) => {
      await mkdir(prefix, { recursive: true });
      const args = ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--loglevel=error', spec];
      // cwd = the prefix, so npm never mistakes an enclosing workspace for the project
      await runInstallCommand({ command: options.npm ?? 'npm', args, what: `npm install ${spec}`, cwd: prefix }, log);
    },
    { what: spec, onLog },
  );
  return { command: await findBin(dir, runtime), args: [] };
}

interface PackageJson {
  name?: string;
  bin?: string | Record<string, string>;
  dependencies?: Record<string, string>;
}

async function readPackageJson(path: string): Promise<PackageJson> {
  return JSON.parse(await readFile(path, 'utf8')) as PackageJson;
}

async function findBin(prefix: string, runtime: NpmRuntime): Promise<string> {
  // the prefix holds exactly the one package we installed; a local one's name is only known here
  const installed = Object.keys((await readPackageJson(join(prefix, 'package.json'))).dependencies ?? {});
  const name = installed.length === 1 ? installed[0] : undefined;
  if (!name) throw new Error(`unexpected npm prefix ${prefix}: expected one installed package, found ${installed.length}`);
  const pkg = await readPackageJson(join(prefix, 'node_modules', name, 'package.json'));
  const bins = typeof pkg.bin === 'string' ? [name.replace(/^@[^/]+\//, '')] : Object.keys(pkg.bin ?? {});
  const chosen = runtime.bin ?? (bins.length === 1 ? bins[0] : undefined);
  const path = chosen === undefined ? undefined : join(prefix, 'node_modules', '.bin', chosen);
  if (path && (await isExecutableFile(path))) return path;
  const candidates = bins.length ? bins.join(', ') : '(none)';
  throw new Error(
    runtime.bin
      ? `${name} has no bin "${runtime.bin}"; its bins: ${candidates}`
      : `cannot tell which bin of ${name} to run; set the runtime's bin to one of: ${candidates}`,
  );
}
