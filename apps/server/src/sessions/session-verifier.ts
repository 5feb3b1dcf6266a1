import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { UserRole } from '@tributary/db';
import { DATA_SOURCE } from '../infrastructure/tokens.js';
import type { Principal } from '../auth/principal.js';
import { hashSessionToken } from './session-tokens.js';

/**
 * Checks a session token on every request: not revoked, not expired, user not disabled.
 * No cache: sign-out and disabling a user must take effect at once, and web UI
 * traffic is light next to API clients'.
 */
@Injectable()
export class SessionVerifier {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  async verify(token: string): Promise<Extract<Principal, { kind: 'session' }> | undefined> {
    const [row] = (await this.dataSource.query(
      `SELECT s.id, s.user_id, s.expires_at, u.role, u.workspace_id
         FROM user_session s JOIN app_user u ON u.id = s.user_id
        WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now() AND u.disabled_at IS NULL`,
      [hashSessionToken(token)],
    )) as { id: string; user_id: string; expires_at: Date; role: UserRole; workspace_id: string | null }[];
    if (!row) return undefined;
    return {
      kind: 'session',
      sessionId: row.id,
      userId: row.user_id,
      role: row.role,
      workspaceId: row.workspace_id,
      expiresAt: row.expires_at,
    };
  }
}
