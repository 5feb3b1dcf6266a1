import type { Tracer } from '@opentelemetry/api';
import type { HttpMetrics } from '@tributary/metrics';
import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { DataSource } from 'typeorm';
import type { Logger } from '@tributary/config';
import type { Storage } from '@tributary/storage';
import { ActorsModule } from './actors/actors.module.js';
import { TriggersModule } from './triggers/triggers.module.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import type { NotificationSettings } from './notifications/notification-dispatcher.js';
import { ApiTokensModule } from './api-tokens/api-tokens.module.js';
import { ApiTokenVerifier } from './auth/api-token-verifier.js';
import { AccessGuard } from './auth/access.guard.js';
import { ConnectionsModule } from './connections/connections.module.js';
import { DefinitionsModule } from './definitions/definitions.module.js';
import { HealthController } from './health/health.controller.js';
import { ALLOW_COMMAND_CONNECTORS, BACKGROUND_INSTALLS, DATA_SOURCE, LOGGER, NOTIFICATIONS, PENDING_INSTALLS_INTERVAL_MS, SECRET_KEY, TEMPORAL } from './infrastructure/tokens.js';
import { JobsModule } from './jobs/jobs.module.js';
import { LogsModule } from './logs/logs.module.js';
import { RunnerModule } from './runner/runner.module.js';
import { SessionsModule } from './sessions/sessions.module.js';
import { SessionVerifier } from './sessions/session-verifier.js';
import { StateModule } from './state/state.module.js';
import { temporalSettings, type TemporalDependencies } from './temporal/temporal-settings.js';
import { UsersModule } from './users/users.module.js';
import { VersionController } from './version/version.controller.js';
import { WorkspacesModule } from './workspaces/workspaces.module.js';

export interface AppDependencies {
  dataSource: DataSource;
  /** AES-256-GCM key for connector secrets */
  secretKey: Buffer;
  logger: Logger;
  /** spec/check/discover and the connection workflows run through Temporal */
  temporal: TemporalDependencies;
  /** where the worker writes attempt logs (read by the logs endpoint) */
  storage: Storage;
  /** how long a web UI sign-in lasts (default 12 h) */
  sessionTtlMs?: number;
  /** let connector definitions run any executable on the workers (TRIBUTARY_ALLOW_COMMAND_CONNECTORS; default false) */
  allowCommandConnectors?: boolean;
  /** how often the next pending connector install starts (TRIBUTARY_PENDING_INSTALLS_INTERVAL_MS); default 0: only on demand */
  pendingInstallsIntervalMs?: number;
  /** install PyPI/npm connectors in the background (default true); false for a test server without Temporal */
  backgroundInstalls?: boolean;
  /** request durations by route and status, for /metrics (main.ts; tests go without) */
  httpMetrics?: HttpMetrics;
  /** how the notification outbox is sent (default: every second, retries from 10 s) */
  notifications?: Partial<NotificationSettings>;
  /** TRIBUTARY_TRACING=otlp: a span per request (tracing/server-tracing.ts); unset: no tracing code runs */
  tracing?: { tracer: Tracer };
}

/** What every module may inject: the database, the secret key, the logger, Temporal. */
@Global()
@Module({})
class InfrastructureModule {
  static with(deps: AppDependencies): DynamicModule {
    const providers = [
      { provide: ApiTokenVerifier, useClass: ApiTokenVerifier },
      { provide: SessionVerifier, useClass: SessionVerifier },
      { provide: DATA_SOURCE, useValue: deps.dataSource },
      { provide: SECRET_KEY, useValue: deps.secretKey },
      { provide: LOGGER, useValue: deps.logger },
      { provide: TEMPORAL, useValue: temporalSettings(deps.temporal) },
      { provide: ALLOW_COMMAND_CONNECTORS, useValue: deps.allowCommandConnectors ?? false },
      { provide: PENDING_INSTALLS_INTERVAL_MS, useValue: deps.pendingInstallsIntervalMs ?? 0 },
      { provide: BACKGROUND_INSTALLS, useValue: deps.backgroundInstalls ?? true },
      { provide: NOTIFICATIONS, useValue: { intervalMs: 1000, retryBaseMs: 10_000, ...deps.notifications } satisfies NotificationSettings },
    ];
    return { module: InfrastructureModule, providers, exports: providers.map((p) => p.provide) };
  }
}

@Module({})
export class AppModule {
  static with(deps: AppDependencies): DynamicModule {
    return {
      module: AppModule,
      imports: [InfrastructureModule.with(deps), ApiTokensModule, WorkspacesModule, DefinitionsModule, ActorsModule, ConnectionsModule, JobsModule, StateModule, LogsModule.with(deps.storage), RunnerModule.with(deps.storage), SessionsModule.with(deps.sessionTtlMs), NotificationsModule, TriggersModule, UsersModule],
      controllers: [HealthController, VersionController],
      providers: [{ provide: APP_GUARD, useClass: AccessGuard }],
    };
  }
}
