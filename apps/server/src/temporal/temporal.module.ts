import { Module } from '@nestjs/common';
import { ConnectionWorkflows } from './connection-workflows.service.js';
import { ConnectorCommandsService } from './connector-commands.service.js';
import { TemporalRpc } from './temporal-rpc.js';
import { WorkerAvailability } from './worker-availability.js';

/** Everything the API does through Temporal: connector commands and the connection workflows. */
@Module({
  providers: [TemporalRpc, WorkerAvailability, ConnectorCommandsService, ConnectionWorkflows],
  exports: [ConnectorCommandsService, ConnectionWorkflows],
})
export class TemporalModule {}
