import { Injectable } from '@nestjs/common';
import { ConfigValidator as SpecValidator } from '@tributary/db';

/** The spec validator of libs/db as the server's provider: one cache of compiled specs per server. */
@Injectable()
export class ConfigValidator extends SpecValidator {}
