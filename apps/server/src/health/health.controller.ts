import { DomainError, ErrorCode } from '@tributary/domain';
import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE } from '../infrastructure/tokens.js';
import { ApiProblems } from '../openapi/api-problems.decorator.js';

export class HealthResponseDto {
  @ApiProperty({ enum: ['ok'] })
  status!: 'ok';
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  @Get()
  @ApiOkResponse({ type: HealthResponseDto, description: 'The server is up and reaches its database' })
  @ApiOperation({ operationId: 'getHealth', summary: 'Liveness and database reachability; needs no token' })
  @ApiProblems([503, 'The database is not reachable'])
  async health(): Promise<HealthResponseDto> {
    try {
      await this.dataSource.query('SELECT 1');
    } catch {
      throw new DomainError(ErrorCode.Unavailable, 'the database is not reachable');
    }
    return { status: 'ok' };
  }
}
