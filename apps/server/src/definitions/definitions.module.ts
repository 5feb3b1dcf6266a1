import { Module } from '@nestjs/common';
import { TemporalModule } from '../temporal/temporal.module.js';
import { DestinationDefinitionsController, SourceDefinitionsController } from './definitions.controllers.js';
import { DefinitionsService } from './definitions.service.js';
import { DefinitionInstalls } from './definition-installs.js';

@Module({ imports: [TemporalModule], controllers: [SourceDefinitionsController, DestinationDefinitionsController], providers: [DefinitionsService, DefinitionInstalls], exports: [DefinitionsService] })
export class DefinitionsModule {}
