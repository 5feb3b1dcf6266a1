/**
 * PyPI and npm connectors are installed in the background: a worker installs one when it runs
 * its `spec`, which takes a minute or more (pip), longer than clients and proxies wait for an
 * answer. An install starts when a definition is added, moves to another version, or is first
 * needed; the definition's install status says where it stands. Calls that need the connector
 * meanwhile are answered at once: 503 with Retry-After while it installs, 409 with pip's reason
 * once it failed. A failed install is not run again until someone asks (POST .../install) or
 * picks another version. Seeded connectors install one after another in the background
 * (TRIBUTARY_PENDING_INSTALLS_INTERVAL_MS).
 */
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { ActorDefinitionEntity, INSTALLED_RUNTIMES } from '@tributary/db';
import { CONNECTOR_COMMAND_TIMEOUT_MS } from '@tributary/workflows';
import { ApiProblem } from '../errors/api-problem.js';
import type { Logger } from '@tributary/config';
import { BACKGROUND_INSTALLS, DATA_SOURCE, LOGGER, PENDING_INSTALLS_INTERVAL_MS } from '../infrastructure/tokens.js';
import { ConnectorCommandsService } from '../temporal/connector-commands.service.js';

/** An install marked running for longer than a command may take belongs to a server that stopped meanwhile. */
const STALE_INSTALL_MS = CONNECTOR_COMMAND_TIMEOUT_MS + 60_000;
const RETRY_AFTER_SECONDS = 15;

export type DefinitionWithSpec = ActorDefinitionEntity & { spec: NonNullable<ActorDefinitionEntity['spec']> };

export const isInstalled = (definition: Pick<ActorDefinitionEntity, 'runtime'>): boolean => INSTALLED_RUNTIMES.includes(definition.runtime.kind);

@Injectable()
export class DefinitionInstalls implements OnApplicationBootstrap, OnApplicationShutdown {
  private sweeper: NodeJS.Timeout | undefined;
  /** installs this server runs: awaited on shutdown, before the Temporal connection closes */
  private readonly running = new Set<Promise<void>>();

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(ConnectorCommandsService) private readonly commands: ConnectorCommandsService,
    @Inject(PENDING_INSTALLS_INTERVAL_MS) private readonly sweepIntervalMs: number,
    @Inject(LOGGER) private readonly logger: Logger,
    /** false for a server without Temporal (tests): connectors then install when needed, as any command runs */
    @Inject(BACKGROUND_INSTALLS) readonly enabled: boolean,
  ) {}

  /**
   * Seeded connectors, and installs that found no worker, are pending: every interval the
   * oldest one starts (one at a time: pip on a small machine is slow enough already).
   */
  onApplicationBootstrap(): void {
    if (!this.enabled || this.sweepIntervalMs <= 0) return;
    this.sweeper = setInterval(
      () => void this.startNextPending().catch((error: Error) => this.logger.warn({ err: error }, 'could not start a pending connector install')),
      this.sweepIntervalMs,
    );
    this.sweeper.unref();
  }

  /** Gives installs a few seconds to record how they ended; one still running is taken up again once stale. */
  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.sweeper);
    await Promise.race([Promise.allSettled(this.running), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
  }

  private async startNextPending(): Promise<void> {
    const [installing] = (await this.dataSource.query(`SELECT 1 FROM actor_definition WHERE install_status = 'installing' LIMIT 1`)) as unknown[];
    if (installing) return;
    const [oldest] = (await this.dataSource.query(
      `SELECT id FROM actor_definition WHERE install_status = 'pending' AND spec IS NULL AND runtime->>'kind' = ANY($1) ORDER BY created_at LIMIT 1`,
      [INSTALLED_RUNTIMES],
    )) as { id: string }[];
    if (oldest) await this.start(await this.dataSource.getRepository(ActorDefinitionEntity).findOneByOrFail({ id: oldest.id }));
  }

  /**
   * Starts installing the definition's current version, unless its spec is cached, an install
   * runs (here or on another server) or the last one failed. Returns at once.
   */
  async start(definition: ActorDefinitionEntity): Promise<void> {
    if (!this.enabled || !isInstalled(definition)) return;
    const [, claimed] = (await this.dataSource.query(
      `UPDATE actor_definition SET install_status = 'installing', install_started_at = now(), install_error = NULL
        WHERE id = $1 AND version = $2 AND spec IS NULL
          AND (install_status = 'pending' OR (install_status = 'installing' AND install_started_at < now() - $3 * interval '1 millisecond'))`,
      [definition.id, definition.version, STALE_INSTALL_MS],
    )) as [unknown, number];
    if (claimed !== 1) return;
    const install = this.install(definition).finally(() => this.running.delete(install));
    this.running.add(install);
  }

  /** A failed install of the current version, tried again. */
  async retry(definition: ActorDefinitionEntity): Promise<void> {
    await this.dataSource.query(`UPDATE actor_definition SET install_status = 'pending' WHERE id = $1 AND version = $2 AND install_status = 'failed'`, [
      definition.id,
      definition.version,
    ]);
    await this.start(definition);
  }

  /**
   * For a call that needs the connector now: the definition with its spec once installed;
   * otherwise the problem that says where its install stands (and an install is started if none ran).
   */
  async installed(definition: ActorDefinitionEntity): Promise<DefinitionWithSpec> {
    await this.start(definition);
    const current = await this.dataSource.getRepository(ActorDefinitionEntity).findOneByOrFail({ id: definition.id });
    const label = `${current.name} ${current.version}`;
    if (current.spec && current.version === definition.version) return current as DefinitionWithSpec;
    if (current.installStatus === 'failed') {
      return Promise.reject(
        new ApiProblem(
          409,
          'connector_install_failed',
          'Connector not installed',
          `${label} could not be installed: ${current.installError ?? 'no reason was given'}. Pick another version, or try the install again (POST /api/v1/${current.actorType}-definitions/${current.id}/install)`,
        ),
      );
    }
    const since = current.installStartedAt ? ` (started ${Math.round((Date.now() - current.installStartedAt.getTime()) / 1000)} s ago)` : '';
    return Promise.reject(
      new ApiProblem(503, 'connector_installing', 'Connector installing', `${label} is being installed on a worker${since}: try again shortly`, {
        retryAfterSeconds: RETRY_AFTER_SECONDS,
      }),
    );
  }

  private async install(definition: ActorDefinitionEntity): Promise<void> {
    const where = { id: definition.id, version: definition.version };
    const repository = this.dataSource.getRepository(ActorDefinitionEntity);
    try {
      const spec = await this.commands.run({ command: 'spec', actorType: definition.actorType, definition });
      // recorded for the version that was installed: a version change meanwhile started over
      await repository.update(where, { spec, installStatus: 'ready', installError: null } as Parameters<typeof repository.update>[1]);
    } catch (error) {
      // no worker or no Temporal: nothing was tried, the next call starts again
      const unavailable = error instanceof ApiProblem && error.status === 503;
      const reason = error instanceof Error ? error.message : String(error);
      await repository
        .update(where, unavailable ? { installStatus: 'pending', installStartedAt: null } : { installStatus: 'failed', installError: reason })
        .catch(() => undefined);
    }
  }
}
