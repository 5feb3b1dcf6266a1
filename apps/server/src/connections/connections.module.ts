import { Module } from '@nestjs/common';
import { TemporalModule } from '../temporal/temporal.module.js';
import { ConnectionStatusService } from './connection-status.service.js';
import { ConnectionsController } from './connections.controller.js';
import { ConnectionsService } from './connections.service.js';
import { ConnectionReads } from './connection-reads.js';

@Module({
  imports: [TemporalModule],
  controllers: [ConnectionsController],
  providers: [ConnectionsService, ConnectionStatusService, ConnectionReads],
  exports: [ConnectionsService],
})
export class ConnectionsModule {}
