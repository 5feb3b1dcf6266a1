import { Module } from '@nestjs/common';
import { DefinitionsModule } from '../definitions/definitions.module.js';
import { ActorsService } from './actors.service.js';
import { ConfigValidator } from './config-validator.js';
import { DestinationsController } from './destinations.controller.js';
import { SourcesController } from './sources.controller.js';

@Module({ imports: [DefinitionsModule], controllers: [SourcesController, DestinationsController], providers: [ActorsService, ConfigValidator], exports: [ActorsService] })
export class ActorsModule {}
