import { DomainError, ErrorCode, notFound } from '@tributary/domain';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { ActorEntity, WorkspaceEntity } from '@tributary/db';
import { pageWindow, type PageQueryDto } from '../common/pagination.dto.js';
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

  list(query: PageQueryDto): Promise<WorkspaceEntity[]> {
    return this.workspaces.find({ order: { createdAt: 'ASC', id: 'ASC' }, ...pageWindow(query) });
  }

  async get(id: string): Promise<WorkspaceEntity> {
    const workspace = await this.workspaces.findOneBy({ id });
    if (!workspace) throw notFound('workspace', id);
    return workspace;
  }

  async update(id: string, changes: { name?: string }): Promise<WorkspaceEntity> {
    const workspace = await this.get(id);
    if (changes.name !== undefined) workspace.name = changes.name;
    return this.workspaces.save(workspace);
  }

  /** A workspace with sources or destinations is not deleted: their connections' data would be orphaned. */
  async delete(id: string): Promise<void> {
    await this.get(id);
    const actors = await this.dataSource.getRepository(ActorEntity).countBy({ workspaceId: id });
    if (actors > 0) throw new DomainError(ErrorCode.Conflict, `workspace ${id} still has ${actors} sources/destinations: delete them first`);
    await this.workspaces.delete({ id });
  }
}
