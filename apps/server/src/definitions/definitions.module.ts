import { Module } from '@nestjs/common';
import { TemporalModule } from '../temporal/temporal.module.js';
import { DestinationDefinitionsController, SourceDefinitionsController } from './definitions.controllers.js';
import { DefinitionsService } from './definitions.service.js';

@Module({ imports: [TemporalModule], controllers: [SourceDefinitionsController, DestinationDefinitionsController], providers: [DefinitionsService], exports: [DefinitionsService] })
export class DefinitionsModule {}
