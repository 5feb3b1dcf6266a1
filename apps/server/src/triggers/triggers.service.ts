/**
 * Event-triggered syncs: a connection's triggers are URLs holding a token of their own; a POST to
 * one starts a sync as POST /jobs would. A trigger fires at most once per FIRE_INTERVAL_SECONDS
 * (429 with Retry-After otherwise), decided in one UPDATE so replicas agree; a revoked or unknown
 * token is a 404, the same answer, so tokens cannot be probed.
 */
import { randomBytes } from 'node:crypto';
import { notFound } from '@tributary/domain';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { ConnectionTriggerEntity, hashApiToken, newApiToken } from '@tributary/db';
import { connectionInScope } from '../auth/scoped-lookups.js';
import { INSTANCE_SCOPE, type WorkspaceScope } from '../auth/workspace-scope.js';
import { pageWindow, type PageQueryDto } from '../common/pagination.dto.js';
import { ApiProblem } from '../errors/api-problem.js';
import { DATA_SOURCE } from '../infrastructure/tokens.js';
import { JobsService } from '../jobs/jobs.service.js';

export const TRIGGER_TOKEN_PREFIX = 'trt_';
export const TRIGGER_TOKEN_PATTERN = /^trt_[A-Za-z0-9_-]{43}$/;
export const FIRE_INTERVAL_SECONDS = 10;

@Injectable()
export class TriggersService {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(JobsService) private readonly jobs: JobsService,
  ) {}

  private get triggers() {
    return this.dataSource.getRepository(ConnectionTriggerEntity);
  }

  private async ensureConnection(scope: WorkspaceScope, connectionId: string): Promise<void> {
    if (!(await connectionInScope(this.dataSource, scope, connectionId))) throw notFound('connection', connectionId);
  }

  /** A new trigger and its token in clear (shown once; only its hash is stored). */
  async create(scope: WorkspaceScope, connectionId: string, name: string): Promise<{ entity: ConnectionTriggerEntity; token: string }> {
    await this.ensureConnection(scope, connectionId);
    const { token, tokenHash, prefix } = newApiToken(`${TRIGGER_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`);
    const entity = await this.triggers.save({ connectionId, name, tokenHash, prefix, lastFiredAt: null, revokedAt: null });
    return { entity, token };
  }

  async list(scope: WorkspaceScope, connectionId: string, query: PageQueryDto): Promise<ConnectionTriggerEntity[]> {
    await this.ensureConnection(scope, connectionId);
    return this.triggers.find({ where: { connectionId }, order: { createdAt: 'ASC', id: 'ASC' }, ...pageWindow(query) });
  }

  /** Idempotent; the row stays (when it last fired) for whoever investigates. */
  async revoke(scope: WorkspaceScope, connectionId: string, id: string): Promise<void> {
    await this.ensureConnection(scope, connectionId);
    const trigger = await this.triggers.findOneBy({ id, connectionId });
    if (!trigger) throw notFound('trigger', id);
    if (!trigger.revokedAt) await this.triggers.update({ id }, { revokedAt: new Date() });
  }

  /** Starts a sync of the token's connection; the job id. */
  async fire(token: string): Promise<string> {
    const trigger = TRIGGER_TOKEN_PATTERN.test(token) ? await this.triggers.findOneBy({ tokenHash: hashApiToken(token) }) : null;
    if (!trigger || trigger.revokedAt) throw notFound('trigger', `${token.slice(0, 12)}…`);
    const [rows] = (await this.dataSource.query(
      `UPDATE connection_trigger SET last_fired_at = now()
        WHERE id = $1 AND (last_fired_at IS NULL OR last_fired_at <= now() - make_interval(secs => $2))
        RETURNING id`,
      [trigger.id, FIRE_INTERVAL_SECONDS],
    )) as [unknown[], number];
    if (rows.length === 0) {
      throw new ApiProblem(429, 'rate_limited', 'Too many requests', `this trigger starts at most one sync every ${FIRE_INTERVAL_SECONDS} s: try again shortly`, {
        retryAfterSeconds: FIRE_INTERVAL_SECONDS,
      });
    }
    // the token stands for its connection: it acts with no workspace limit, on that connection only
    const job = await this.jobs.create(INSTANCE_SCOPE, { connectionId: trigger.connectionId, jobType: 'sync' });
    return job.id;
  }
}
