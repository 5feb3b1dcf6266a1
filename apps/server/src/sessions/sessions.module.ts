import { Module, type DynamicModule } from '@nestjs/common';
import { SessionsController } from './sessions.controller.js';
import { SESSION_TTL_MS, SessionsService } from './sessions.service.js';

export const DEFAULT_SESSION_TTL_MS = 12 * 60 * 60 * 1000;

@Module({})
export class SessionsModule {
  static with(ttlMs = DEFAULT_SESSION_TTL_MS): DynamicModule {
    return {
      module: SessionsModule,
      controllers: [SessionsController],
      providers: [SessionsService, { provide: SESSION_TTL_MS, useValue: ttlMs }],
    };
  }
}
