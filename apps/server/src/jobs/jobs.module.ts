import { Module } from '@nestjs/common';
import { TemporalModule } from '../temporal/temporal.module.js';
import { JobsController } from './jobs.controller.js';
import { JobsService } from './jobs.service.js';

@Module({ imports: [TemporalModule], controllers: [JobsController], providers: [JobsService], exports: [JobsService] })
export class JobsModule {}
