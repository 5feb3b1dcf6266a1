// Prints, as JSON, the URL of every module that importing the given specifier loads (resolved
// through Node's module hooks, so only what really runs counts, never a type-only import).
// usage: node tools/architecture/loaded-modules.mjs @tributary/launcher
import { register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';

const hook = `
let port;
export function initialize(data) { port = data.port; }
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  port.postMessage(resolved.url);
  return resolved;
}`;

const { port1, port2 } = new MessageChannel();
const loaded = new Set();
port1.on('message', (url) => loaded.add(url));
register(`data:text/javascript,${encodeURIComponent(hook)}`, { data: { port: port2 }, transferList: [port2] });

await import(process.argv[2]);
// the hooks thread posts asynchronously: let the last messages arrive
await new Promise((resolve) => setTimeout(resolve, 100));
port1.close();
process.stdout.write(JSON.stringify([...loaded].sort()));
