import { notFound, type Role } from '@tributary/domain';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { ApiTokenEntity, newApiToken } from '@tributary/db';
import { pageWindow, type PageQueryDto } from '../common/pagination.dto.js';
import { ApiTokenVerifier } from '../auth/api-token-verifier.js';
import type { Principal } from '../auth/principal.js';
import { assertGrantable, workspaceForRole } from '../auth/role-grant.js';
import { scopeOf, scopedWorkspaceId, type WorkspaceScope } from '../auth/workspace-scope.js';
import { DATA_SOURCE } from '../infrastructure/tokens.js';

@Injectable()
export class ApiTokensService {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(ApiTokenVerifier) private readonly verifier: ApiTokenVerifier,
  ) {}

  private get tokens() {
    return this.dataSource.getRepository(ApiTokenEntity);
  }

  /**
   * A token of the caller's role or lower, within the caller's scope (a workspace admin mints
   * tokens of its own workspace; only an instance admin mints instance admins). Returns the
   * entity and the token in clear, which is never stored.
   */
  async create(caller: Principal, input: { name: string; role?: Role; workspaceId?: string }): Promise<{ entity: ApiTokenEntity; token: string }> {
    const role = input.role ?? caller.role;
    assertGrantable(caller.role, role, 'tokens');
    const workspaceId = await workspaceForRole(this.dataSource, scopeOf(caller), role, input.workspaceId ?? caller.workspaceId ?? undefined, 'token');
    const { token, tokenHash, prefix } = newApiToken();
    const entity = await this.tokens.save({ name: input.name, tokenHash, prefix, role, workspaceId, lastUsedAt: null, revokedAt: null });
    return { entity, token };
  }

  /** Every token for an instance admin; a workspace admin's workspace's tokens. */
  list(scope: WorkspaceScope, query: PageQueryDto): Promise<ApiTokenEntity[]> {
    const workspaceId = scopedWorkspaceId(scope);
    return this.tokens.find({ where: workspaceId ? { workspaceId } : {}, order: { createdAt: 'ASC', id: 'ASC' }, ...pageWindow(query) });
  }

  /** Revoking is idempotent; the row stays for the audit trail. 404 for a token outside the scope. */
  async revoke(scope: WorkspaceScope, id: string): Promise<void> {
    const token = await this.tokens.findOneBy({ id });
    if (!token || (scope.kind === 'workspace' && token.workspaceId !== scope.workspaceId)) throw notFound('API token', id);
    if (!token.revokedAt) await this.tokens.update({ id }, { revokedAt: new Date() });
    this.verifier.forget(id);
  }

}
