import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CallerScope, type WorkspaceScope } from '../auth/workspace-scope.js';
import { JobIdPipe } from '../jobs/job-id.pipe.js';
import { ApiProblems } from '../openapi/api-problems.decorator.js';
import { AttemptNumberPipe } from './attempt-number.pipe.js';
import { DEFAULT_LOG_PAGE_SIZE, LogPageDto, LogPageQueryDto, toLogPageResponse } from './log-page.dto.js';
import { LogsService } from './logs.service.js';

@ApiTags('jobs')
@Controller('jobs')
export class LogsController {
  constructor(@Inject(LogsService) private readonly service: LogsService) {}

  @Get(':jobId/attempts/:attemptNumber/logs')
  @ApiOperation({
    operationId: 'getAttemptLogs',
    summary: "A page of an attempt's log (platform and connector lines, oldest first); follow nextCursor for the rest",
  })
  @ApiParam({ name: 'attemptNumber', schema: { type: 'integer', minimum: 0 }, description: "as in the job's attempts" })
  @ApiOkResponse({ type: LogPageDto })
  @ApiProblems(400, 404, 503)
  async get(
    @CallerScope() scope: WorkspaceScope,
    @Param('jobId', JobIdPipe) jobId: string,
    @Param('attemptNumber', AttemptNumberPipe) attemptNumber: number,
    @Query() query: LogPageQueryDto,
  ): Promise<LogPageDto> {
    const page = await this.service.attemptLogPage(scope, jobId, attemptNumber, {
      cursor: query.cursor,
      limit: query.limit ?? DEFAULT_LOG_PAGE_SIZE,
    });
    return toLogPageResponse(page);
  }
}
