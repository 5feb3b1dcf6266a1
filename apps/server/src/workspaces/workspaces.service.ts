import { DomainError, ErrorCode, notFound } from '@tributary/domain';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { ActorEntity, WorkspaceEntity } from '@tributary/db';
import { pageWindow, type PageQueryDto } from '../common/pagination.dto.js';
import { inScope, scopedWorkspaceId, type WorkspaceScope } from '../auth/workspace-scope.js';
import { DATA_SOURCE } from '../infrastructure/tokens.js';

@Injectable()
export class WorkspacesService {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  private get workspaces() {
    return this.dataSource.getRepository(WorkspaceEntity);
  }

  create(name: string): Promise<WorkspaceEntity> {
    return this.workspaces.save({ name });
  }

  list(scope: WorkspaceScope, query: PageQueryDto): Promise<WorkspaceEntity[]> {
    const id = scopedWorkspaceId(scope);
    return this.workspaces.find({ where: id ? { id } : {}, order: { createdAt: 'ASC', id: 'ASC' }, ...pageWindow(query) });
  }

  /** 404 outside the scope. */
  async get(scope: WorkspaceScope, id: string): Promise<WorkspaceEntity> {
    const workspace = inScope(scope, id) ? await this.workspaces.findOneBy({ id }) : null;
    if (!workspace) throw notFound('workspace', id);
    return workspace;
  }

  async update(scope: WorkspaceScope, id: string, changes: { name?: string }): Promise<WorkspaceEntity> {
    const workspace = await this.get(scope, id);
    if (changes.name !== undefined) workspace.name = changes.name;
    return this.workspaces.save(workspace);
  }

  /** A workspace with sources or destinations is not deleted: their connections' data would be orphaned. */
  async delete(scope: WorkspaceScope, id: string): Promise<void> {
    await this.get(scope, id);
    const actors = await this.dataSource.getRepository(ActorEntity).countBy({ workspaceId: id });
    if (actors > 0) throw new DomainError(ErrorCode.Conflict, `workspace ${id} still has ${actors} sources/destinations: delete them first`);
    await this.workspaces.delete({ id });
  }
}
