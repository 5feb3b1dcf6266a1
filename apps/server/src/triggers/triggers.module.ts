import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module.js';
import { TriggersController } from './triggers.controller.js';
import { TriggersService } from './triggers.service.js';

@Module({ imports: [JobsModule], controllers: [TriggersController], providers: [TriggersService] })
export class TriggersModule {}
