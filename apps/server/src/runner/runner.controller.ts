import { Body, Controller, HttpCode, Inject, Post, UseGuards } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { AttemptRef } from '@tributary/workflows';
import { ApiProblems } from '../openapi/api-problems.decorator.js';
import { RunnerConfigUpdateDto, RunnerConfigUpdateResponseDto, RunnerLogsDto, RunnerOutcomeDto, RunnerProgressDto, RunnerStateDto, toAttemptOutcome } from './runner.dto.js';
import { RunnerAttempt, RunnerGuard } from './runner.guard.js';
import { RunnerService } from './runner.service.js';

/**
 * What a replication pod reports about its attempt (apps/orchestrator calls these with the
 * attempt's `trr_` credential; no user credential opens them).
 */
@ApiTags('runner')
@ApiParam({ name: 'jobId', description: 'the job of the credential' })
@ApiParam({ name: 'attemptNumber', description: 'the attempt of the credential' })
@UseGuards(RunnerGuard)
@Controller('runner/jobs/:jobId/attempts/:attemptNumber')
export class RunnerController {
  constructor(@Inject(RunnerService) private readonly service: RunnerService) {}

  @Post('progress')
  @HttpCode(204)
  @ApiOperation({ operationId: 'reportRunnerProgress', summary: "The attempt's live progress (a ReplicationProgress), about once a second" })
  @ApiNoContentResponse({ description: 'Saved (ignored once the attempt has finished)' })
  @ApiProblems(400)
  async progress(@RunnerAttempt() attempt: AttemptRef, @Body() body: RunnerProgressDto): Promise<void> {
    await this.service.persistProgress(attempt, body);
  }

  @Post('state')
  @HttpCode(204)
  @ApiOperation({ operationId: 'commitRunnerState', summary: 'State the destination committed, with the totals at that commit: answered once it is durable' })
  @ApiNoContentResponse({ description: 'Saved durably: the next attempt resumes from it' })
  @ApiProblems(400, [409, 'The attempt is no longer running: the state is not saved'])
  async state(@RunnerAttempt() attempt: AttemptRef, @Body() body: RunnerStateDto): Promise<void> {
    await this.service.persistState(attempt, body.state, body.totals);
  }

  @Post('logs')
  @HttpCode(204)
  @ApiOperation({ operationId: 'appendRunnerLogs', summary: "Lines for the attempt's log, appended in order with the connection's secrets masked" })
  @ApiNoContentResponse({ description: 'Appended and durable' })
  @ApiProblems(400, [503, 'The log storage cannot be written right now; retry'])
  async logs(@RunnerAttempt() attempt: AttemptRef, @Body() body: RunnerLogsDto): Promise<void> {
    await this.service.appendLogs(attempt, body.entries);
  }

  @Post('config-updates')
  @HttpCode(200)
  @ApiOperation({ operationId: 'saveRunnerConfigUpdate', summary: "A connector's own new config (CONTROL CONNECTOR_CONFIG), saved to the attempt's source or destination" })
  @ApiOkResponse({ type: RunnerConfigUpdateResponseDto })
  @ApiProblems(400, [422, "The config does not satisfy the connector's spec (`errors` names each field); the saved one stays"])
  async configUpdate(@RunnerAttempt() attempt: AttemptRef, @Body() body: RunnerConfigUpdateDto): Promise<RunnerConfigUpdateResponseDto> {
    return this.service.saveConnectorConfig(attempt, body.role, body.config);
  }

  @Post('outcome')
  @HttpCode(204)
  @ApiOperation({ operationId: 'reportRunnerOutcome', summary: "The attempt's outcome (an AttemptOutcome), read by the worker once the pod has ended" })
  @ApiNoContentResponse({ description: 'Saved' })
  @ApiProblems(400)
  async outcome(@RunnerAttempt() attempt: AttemptRef, @Body() body: RunnerOutcomeDto): Promise<void> {
    await this.service.saveOutcome(attempt, toAttemptOutcome(body));
  }
}
