import { DomainError, ErrorCode, notFound } from '@tributary/domain';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { UserEntity, UserSessionEntity, hashPassword, verifyPassword } from '@tributary/db';
import { DATA_SOURCE } from '../infrastructure/tokens.js';
import { newSessionToken } from './session-tokens.js';

export const SESSION_TTL_MS = Symbol('SessionTtlMs');

/** compared against when the email is unknown, so both failures take the same time */
const DUMMY_HASH = hashPassword('not a real password');

@Injectable()
export class SessionsService {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(SESSION_TTL_MS) private readonly ttlMs: number,
  ) {}

  private get users() {
    return this.dataSource.getRepository(UserEntity);
  }

  private get sessions() {
    return this.dataSource.getRepository(UserSessionEntity);
  }

  /** Signs in: one message for an unknown email and a wrong password, so neither is revealed. */
  async signIn(email: string, password: string): Promise<{ token: string; expiresAt: Date; user: UserEntity }> {
    const user = await this.users.findOneBy({ email: email.trim().toLowerCase() });
    const matches = await verifyPassword(password, user?.passwordHash ?? (await DUMMY_HASH));
    if (!user || !matches || user.disabledAt) throw new DomainError(ErrorCode.Unauthenticated, 'the email or the password is wrong');
    const { token, tokenHash } = newSessionToken();
    const expiresAt = new Date(Date.now() + this.ttlMs);
    await this.sessions.save({ userId: user.id, tokenHash, expiresAt, revokedAt: null });
    // sessions of the past are of no use to anyone: drop this user's expired ones on the way
    await this.dataSource.query(`DELETE FROM user_session WHERE user_id = $1 AND expires_at < now() - interval '1 day'`, [user.id]);
    return { token, expiresAt, user };
  }

  async user(userId: string): Promise<UserEntity> {
    const user = await this.users.findOneBy({ id: userId });
    if (!user) throw notFound('user', userId);
    return user;
  }

  /** Signing out is idempotent. */
  async signOut(sessionId: string): Promise<void> {
    await this.sessions.update({ id: sessionId }, { revokedAt: new Date() });
  }

  /** Needs the current password; ends the user's other sessions (a changed password is often a suspected leak). */
  async changePassword(userId: string, keepSessionId: string, currentPassword: string, newPassword: string): Promise<void> {
    const user = await this.user(userId);
    if (!(await verifyPassword(currentPassword, user.passwordHash)))
      throw new DomainError(ErrorCode.ValidationFailed, 'the current password is wrong', {
        fieldErrors: [{ path: '/currentPassword', message: 'is not the current password', in: 'body' }],
      });
    await this.dataSource.transaction(async (manager) => {
      await manager.update(UserEntity, { id: userId }, { passwordHash: await hashPassword(newPassword) });
      await manager.query(`UPDATE user_session SET revoked_at = now() WHERE user_id = $1 AND id <> $2 AND revoked_at IS NULL`, [
        userId,
        keepSessionId,
      ]);
    });
  }
}
