import { Module, type DynamicModule } from '@nestjs/common';
import type { Storage } from '@tributary/storage';
import { LOG_STORAGE } from '../logs/logs.tokens.js';
import { RunnerController } from './runner.controller.js';
import { RunnerGuard } from './runner.guard.js';
import { RunnerService } from './runner.service.js';

/** The routes a replication pod reports its attempt through (per-attempt credential). */
@Module({})
export class RunnerModule {
  static with(storage: Storage): DynamicModule {
    return { module: RunnerModule, controllers: [RunnerController], providers: [RunnerService, RunnerGuard, { provide: LOG_STORAGE, useValue: storage }] };
  }
}
