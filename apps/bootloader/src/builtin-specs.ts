import { tmpdir } from 'node:os';
import type { Logger } from '@tributary/config';
import { resolveBuiltinConnector } from '@tributary/connectors';
import { ProcessLauncher } from '@tributary/launcher';
import type { SpecFetcher } from '@tributary/db';

/**
 * Runs `spec` for builtin connectors (compiled libs/connectors, nothing to install).
 * Others get their spec cached by a worker on first use. A failure leaves the spec
 * empty and is retried by the next bootloader run.
 */
export function builtinSpecFetcher(logger: Logger): SpecFetcher {
  const launcher = new ProcessLauncher({ installDir: tmpdir(), resolveBuiltin: resolveBuiltinConnector });
  return async (definition) => {
    if (definition.runtime.kind !== 'builtin') return undefined;
    try {
      const result = await launcher.spec({ runtime: definition.runtime }, { role: definition.actorType, timeoutMs: 30_000 });
      if (result.ok) return result.value;
      logger.warn({ connector: definition.name, failure: result.failure.message }, 'spec failed; it will be retried');
    } catch (error) {
      logger.warn({ connector: definition.name, error: error instanceof Error ? error.message : String(error) }, 'spec failed; it will be retried');
    }
    return undefined;
  };
}
