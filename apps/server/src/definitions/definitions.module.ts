import { Module } from '@nestjs/common';
import { DestinationDefinitionsController, SourceDefinitionsController } from './definitions.controllers.js';
import { DefinitionsService } from './definitions.service.js';

@Module({ controllers: [SourceDefinitionsController, DestinationDefinitionsController], providers: [DefinitionsService], exports: [DefinitionsService] })
export class DefinitionsModule {}
