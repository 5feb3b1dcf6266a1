import { Module } from '@nestjs/common';
import { NotificationChannelsController } from './notification-channels.controller.js';
import { NotificationChannelsService } from './notification-channels.service.js';
import { NotificationDispatcher } from './notification-dispatcher.js';

@Module({ controllers: [NotificationChannelsController], providers: [NotificationChannelsService, NotificationDispatcher] })
export class NotificationsModule {}
