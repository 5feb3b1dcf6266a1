import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { toPage, type Page } from '../common/pagination.dto.js';
import { ApiProblems } from '../openapi/api-problems.decorator.js';
import { JobIdPipe } from './job-id.pipe.js';
import { JobPageDto, JobWithAttemptsResponseDto, ListJobsQueryDto, toAttemptResponse, toJobResponse, type JobResponseDto } from './job.dto.js';
import { JobsService } from './jobs.service.js';

@ApiTags('jobs')
@Controller('jobs')
export class JobsController {
  constructor(@Inject(JobsService) private readonly service: JobsService) {}

  @Get()
  @ApiOperation({ operationId: 'listJobs', summary: 'Jobs, newest first, filtered by connection, status, type and creation time' })
  @ApiOkResponse({ type: JobPageDto })
  @ApiProblems(400)
  async list(@Query() query: ListJobsQueryDto): Promise<Page<JobResponseDto>> {
    return toPage(await this.service.list(query), query, toJobResponse);
  }

  @Get(':jobId')
  @ApiOperation({ operationId: 'getJob', summary: 'A job with its attempts, per-stream stats and failure reasons' })
  @ApiOkResponse({ type: JobWithAttemptsResponseDto })
  @ApiProblems(400, 404)
  async get(@Param('jobId', JobIdPipe) jobId: string): Promise<JobWithAttemptsResponseDto> {
    const { job, attempts } = await this.service.get(jobId);
    return { ...toJobResponse(job), attempts: attempts.map(toAttemptResponse) };
  }
}
