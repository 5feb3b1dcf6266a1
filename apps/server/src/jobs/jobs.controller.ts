import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { toPage, type Page } from '../common/pagination.dto.js';
import { ApiProblems } from '../openapi/api-problems.decorator.js';
import { JobIdPipe } from './job-id.pipe.js';
import {
  CreateJobDto,
  JobPageDto,
  JobResponseDto,
  JobWithAttemptsResponseDto,
  ListJobsQueryDto,
  toAttemptResponse,
  toJobResponse,
} from './job.dto.js';
import { CallerScope, type WorkspaceScope } from '../auth/workspace-scope.js';
import { JobsService } from './jobs.service.js';

@ApiTags('jobs')
@Controller('jobs')
export class JobsController {
  constructor(@Inject(JobsService) private readonly service: JobsService) {}

  @Post()
  @ApiOperation({
    operationId: 'createJob',
    summary: 'Run a sync, clear or refresh of a connection now (one job at a time per connection)',
  })
  @ApiCreatedResponse({ type: JobResponseDto, description: 'The job was created and runs' })
  @ApiProblems(
    400,
    [404, 'No such connection'],
    [409, 'A job is already running (`runningJobId`), or the connection is not active'],
    [422, 'A requested stream is not configured on the connection; `errors` names the field'],
    [503, 'Temporal is unreachable, or no worker polls the task queue'],
    [504, 'The job request reached the connection workflow, but the job was not created in time'],
  )
  async create(@CallerScope() scope: WorkspaceScope, @Body() body: CreateJobDto): Promise<JobResponseDto> {
    return toJobResponse(await this.service.create(scope, body));
  }

  @Get()
  @ApiOperation({ operationId: 'listJobs', summary: 'Jobs, newest first, filtered by connection, status, type and creation time' })
  @ApiOkResponse({ type: JobPageDto })
  @ApiProblems(400)
  async list(@CallerScope() scope: WorkspaceScope, @Query() query: ListJobsQueryDto): Promise<Page<JobResponseDto>> {
    return toPage(await this.service.list(scope, query), query, toJobResponse);
  }

  @Get(':jobId')
  @ApiOperation({ operationId: 'getJob', summary: 'A job with its attempts, per-stream stats and failure reasons' })
  @ApiOkResponse({ type: JobWithAttemptsResponseDto })
  @ApiProblems(400, 404)
  async get(@CallerScope() scope: WorkspaceScope, @Param('jobId', JobIdPipe) jobId: string): Promise<JobWithAttemptsResponseDto> {
    const { job, attempts } = await this.service.get(scope, jobId);
    return { ...toJobResponse(job), attempts: attempts.map(toAttemptResponse) };
  }

  @Post(':jobId/cancel')
  @HttpCode(202)
  @ApiOperation({
    operationId: 'cancelJob',
    summary: 'Cancel a running job: its connectors are stopped and the committed state is kept; it ends as cancelled shortly',
  })
  @ApiAcceptedResponse({ type: JobResponseDto, description: 'Cancellation requested' })
  @ApiProblems(400, 404, [409, 'The job is not running'], [503, 'Temporal is unreachable'])
  async cancel(@CallerScope() scope: WorkspaceScope, @Param('jobId', JobIdPipe) jobId: string): Promise<JobResponseDto> {
    return toJobResponse(await this.service.cancel(scope, jobId));
  }
}
