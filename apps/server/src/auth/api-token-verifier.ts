/**
 * Checks API tokens, remembering a valid one for VERIFIED_TTL_MS: every request needs the
 * check, and a round trip to Postgres per request is the largest cost of a cheap read.
 * Revoking through this server forgets the token at once; another server replica notices
 * within the TTL.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { Role } from '@tributary/domain';
import { ApiTokenEntity, hashApiToken } from '@tributary/db';
import { DATA_SOURCE } from '../infrastructure/tokens.js';

export const VERIFIED_TTL_MS = 2_000;
/** last_used_at is a hint, not an audit log: write it at most this often per token */
const LAST_USED_RESOLUTION_MS = 60_000;
/** bounds memory against a flood of distinct valid tokens (there are few in practice) */
const MAX_REMEMBERED = 10_000;

export interface VerifiedToken {
  id: string;
  role: Role;
  /** null for instance admins */
  workspaceId: string | null;
}

interface Verified extends VerifiedToken {
  verifiedAt: number;
  lastUsedAt: number;
}

@Injectable()
export class ApiTokenVerifier {
  private readonly verified = new Map<string, Verified>();

  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  /** The token's id, role and workspace when it exists and is not revoked. */
  async verify(token: string): Promise<VerifiedToken | undefined> {
    const hash = hashApiToken(token);
    const now = Date.now();
    let entry = this.verified.get(hash);
    if (!entry || now - entry.verifiedAt > VERIFIED_TTL_MS) {
      // plain SQL: the ORM's query building costs more than this query
      const [row] = (await this.dataSource.query(
        `SELECT id, role, workspace_id, last_used_at FROM api_token WHERE token_hash = $1 AND revoked_at IS NULL`,
        [hash],
      )) as { id: string; role: Role; workspace_id: string | null; last_used_at: Date | null }[];
      if (!row) {
        this.verified.delete(hash);
        return undefined;
      }
      if (this.verified.size >= MAX_REMEMBERED) this.verified.clear();
      entry = { id: row.id, role: row.role, workspaceId: row.workspace_id, verifiedAt: now, lastUsedAt: row.last_used_at?.getTime() ?? 0 };
      this.verified.set(hash, entry);
    }
    if (now - entry.lastUsedAt > LAST_USED_RESOLUTION_MS) {
      entry.lastUsedAt = now;
      await this.dataSource.getRepository(ApiTokenEntity).update({ id: entry.id }, { lastUsedAt: new Date(now) });
    }
    return { id: entry.id, role: entry.role, workspaceId: entry.workspaceId };
  }

  /** Called on revocation: the token stops working at once on this server. */
  forget(tokenId: string): void {
    for (const [hash, entry] of this.verified) if (entry.id === tokenId) this.verified.delete(hash);
  }
}
