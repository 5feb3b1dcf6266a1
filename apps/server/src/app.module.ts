import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { DataSource } from 'typeorm';
import type { Logger } from '@tributary/config';
import { ActorsModule } from './actors/actors.module.js';
import { ApiTokensModule } from './api-tokens/api-tokens.module.js';
import { BearerTokenGuard } from './auth/bearer-token.guard.js';
import { ConnectionsModule } from './connections/connections.module.js';
import { DefinitionsModule } from './definitions/definitions.module.js';
import { HealthController } from './health/health.controller.js';
import { DATA_SOURCE, LOGGER, SECRET_KEY } from './infrastructure/tokens.js';
import { JobsModule } from './jobs/jobs.module.js';
import { StateModule } from './state/state.module.js';
import { VersionController } from './version/version.controller.js';
import { WorkspacesModule } from './workspaces/workspaces.module.js';

export interface AppDependencies {
  dataSource: DataSource;
  /** AES-256-GCM key for connector secrets */
  secretKey: Buffer;
  logger: Logger;
}

/** What every module may inject: the database, the secret key, the logger. */
@Global()
@Module({})
class InfrastructureModule {
  static with(deps: AppDependencies): DynamicModule {
    const providers = [
      { provide: DATA_SOURCE, useValue: deps.dataSource },
      { provide: SECRET_KEY, useValue: deps.secretKey },
      { provide: LOGGER, useValue: deps.logger },
    ];
    return { module: InfrastructureModule, providers, exports: providers.map((p) => p.provide) };
  }
}

@Module({})
export class AppModule {
  static with(deps: AppDependencies): DynamicModule {
    return {
      module: AppModule,
      imports: [InfrastructureModule.with(deps), ApiTokensModule, WorkspacesModule, DefinitionsModule, ActorsModule, ConnectionsModule, JobsModule, StateModule],
      controllers: [HealthController, VersionController],
      providers: [{ provide: APP_GUARD, useClass: BearerTokenGuard }],
    };
  }
}
