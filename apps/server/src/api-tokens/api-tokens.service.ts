import { notFound } from '@tributary/domain';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { ApiTokenEntity, newApiToken } from '@tributary/db';
import { pageWindow, type PageQueryDto } from '../common/pagination.dto.js';
import { ApiTokenVerifier } from '../auth/api-token-verifier.js';
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

  /** Returns the entity and the token in clear, which is never stored. */
  async create(name: string): Promise<{ entity: ApiTokenEntity; token: string }> {
    const { token, tokenHash, prefix } = newApiToken();
    const entity = await this.tokens.save({ name, tokenHash, prefix, lastUsedAt: null, revokedAt: null });
    return { entity, token };
  }

  list(query: PageQueryDto): Promise<ApiTokenEntity[]> {
    return this.tokens.find({ order: { createdAt: 'ASC', id: 'ASC' }, ...pageWindow(query) });
  }

  /** Revoking is idempotent; the row stays for the audit trail. */
  async revoke(id: string): Promise<void> {
    const token = await this.tokens.findOneBy({ id });
    if (!token) throw notFound('API token', id);
    if (!token.revokedAt) await this.tokens.update({ id }, { revokedAt: new Date() });
    this.verifier.forget(id);
  }
}
