/**
 * Runs one replicate() between fake connectors in a process of its own, so a test
 * can see the engine's memory without the test runner's: prints one JSON line with the
 * result's totals and backpressure, the RSS growth while it ran, and the growth of live
 * memory (heap + buffers right after a full GC: garbage not yet collected is not a leak).
 * Usage: node --expose-gc --conditions=@tributary/source --import tsx engine-child.ts '<json spec>'
 */
import { catalogOf, fakeConnector, type EngineChildSpec } from './harness.js';
import { ProcessLauncher } from '@tributary/launcher';
import { replicate } from '@tributary/replication';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const spec = JSON.parse(process.argv[2] ?? '{}') as EngineChildSpec;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const live = () => {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
const liveBefore = live();
let livePeak = liveBefore;
const rssBefore = process.memoryUsage().rss;
let rssPeak = rssBefore;
let ticks = 0;
const sampler = setInterval(() => {
  rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  if (++ticks % 10 === 0) livePeak = Math.max(livePeak, live());
}, 10);
const result = await replicate({
  launcher: new ProcessLauncher({ installDir: join(tmpdir(), 'replication-test-install') }),
  source: { definition: fakeConnector, config: spec.source },
  destination: { definition: fakeConnector, config: spec.destination },
  catalog: catalogOf(...spec.streams),
  ...(spec.destinationNaming ? { destinationNaming: spec.destinationNaming } : {}),
  ...(spec.fieldSelection ? { fieldSelection: spec.fieldSelection } : {}),
  ...(spec.options ? { options: spec.options } : {}),
});
clearInterval(sampler);
rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
process.stdout.write(
  JSON.stringify({
    status: result.status,
    failures: result.failures,
    totals: result.totals,
    backpressure: result.backpressure,
    rssGrowth: rssPeak - rssBefore,
    liveGrowth: livePeak - liveBefore,
  }) + '\n',
);
