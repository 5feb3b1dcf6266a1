/**
 * Build step (after tsc): each builtin connector as one file, dist/bundle/<name>.mjs, with
 * the list of files it was made from beside it. A connector process starts about 0.1 s
 * sooner from one file than from the ~170 modules of dist/bin/<name>.js and node_modules,
 * and every sync starts three of them (discover, read, write); resolveBuiltinConnector
 * runs a bundle only while it is newer than all of those files.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { build } from 'esbuild';
import { BUILTIN_CONNECTORS, bundleFiles, compiledEntrypoint } from './index.js';

for (const name of BUILTIN_CONNECTORS) {
  const { bundle, inputs } = bundleFiles(name);
  await mkdir(dirname(bundle), { recursive: true });
  const result = await build({
    entryPoints: [compiledEntrypoint(name)],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    metafile: true,
    logLevel: 'warning',
    // pg (and zod) ask whether they run in Cloudflare Workers: without a `navigator` (Node 20 has
    // none) pg tests `typeof Response`, and that loads Node's whole fetch implementation, 15-30 ms
    // of every connector start. Node 21+ answers with its own navigator; this is the same answer.
    define: { navigator: JSON.stringify({ userAgent: 'Node.js' }) },
    // CommonJS dependencies (pg) require() Node's modules: an ES module has no `require` of its own
    banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
  });
  // written after the bundle, so a bundle never looks fresh against a list of an older build
  // `<define:navigator>` and the like are esbuild's own, not files
  const files = Object.keys(result.metafile.inputs).filter((input) => !input.startsWith('<'));
  await writeFile(inputs, JSON.stringify(files.map((input) => resolve(input))));
  console.log(`bundled ${name} into ${bundle}`);
}
