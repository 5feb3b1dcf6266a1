import { Module } from '@nestjs/common';
import { DefinitionsModule } from '../definitions/definitions.module.js';
import { TemporalModule } from '../temporal/temporal.module.js';
import { ActorCommandsService } from './actor-commands.service.js';
import { ActorsService } from './actors.service.js';
import { ConfigValidator } from './config-validator.js';
import { DestinationsController, SourcesController } from './actors.controllers.js';

@Module({
  imports: [DefinitionsModule, TemporalModule],
  controllers: [SourcesController, DestinationsController],
  providers: [ActorsService, ActorCommandsService, ConfigValidator],
  exports: [ActorsService],
})
export class ActorsModule {}
