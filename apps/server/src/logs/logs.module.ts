import { Module, type DynamicModule } from '@nestjs/common';
import type { Storage } from '@tributary/storage';
import { LogsController } from './logs.controller.js';
import { LogsService } from './logs.service.js';
import { LOG_STORAGE } from './logs.tokens.js';

/** Attempt logs over HTTP, from the storage the app was given. */
@Module({})
export class LogsModule {
  static with(storage: Storage): DynamicModule {
    return { module: LogsModule, controllers: [LogsController], providers: [LogsService, { provide: LOG_STORAGE, useValue: storage }] };
  }
}
