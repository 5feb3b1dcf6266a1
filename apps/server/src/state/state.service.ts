import { DomainError, ErrorCode, notFound } from '@tributary/domain';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { ConnectionEntity, ConnectionStateEntity, activeJobOf, parseStateMessages } from '@tributary/db';
import { connectionInScope } from '../auth/scoped-lookups.js';
import type { WorkspaceScope } from '../auth/workspace-scope.js';
import { DATA_SOURCE } from '../infrastructure/tokens.js';
import type { ReplaceStateDto } from './state.dto.js';

/** A connection's committed state: what the next sync resumes from. Operators may replace it. */
@Injectable()
export class StateService {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  async get(scope: WorkspaceScope, connectionId: string): Promise<ConnectionStateEntity | null> {
    await this.connectionExists(scope, connectionId);
    return this.dataSource.getRepository(ConnectionStateEntity).findOneBy({ connectionId });
  }

  /** Not while a job runs: its next committed state would overwrite this one. */
  async replace(scope: WorkspaceScope, connectionId: string, input: ReplaceStateDto): Promise<ConnectionStateEntity> {
    await this.connectionExists(scope, connectionId);
    const parsed = parseStateMessages(input.stateType, input.state);
    if ('errors' in parsed) {
      throw new DomainError(ErrorCode.ValidationFailed, parsed.errors.map((e) => `${e.path}: ${e.message}`).join('; '), { fieldErrors: parsed.errors });
    }
    return this.dataSource.transaction(async (manager) => {
      // lock the connection row so a job cannot start between the check and the write
      await manager.getRepository(ConnectionEntity).findOne({ where: { id: connectionId }, lock: { mode: 'pessimistic_write' } });
      const running = await activeJobOf(manager, connectionId);
      if (running) throw new DomainError(ErrorCode.Conflict, `job ${running.id} is running on connection ${connectionId}: cancel it first`, { jobId: running.id });
      return manager.getRepository(ConnectionStateEntity).save({ connectionId, stateType: input.stateType, state: parsed.state });
    });
  }

  private async connectionExists(scope: WorkspaceScope, id: string): Promise<void> {
    if (!(await connectionInScope(this.dataSource, scope, id))) throw notFound('connection', id);
  }
}
